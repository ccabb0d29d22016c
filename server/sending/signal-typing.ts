// The operator is typing a reply: when the workspace shows typing to customers (off by default),
// Meta is told. Clients call this when typing starts and stops, not on every key.
import type { Actor } from '../db/database.ts';
import type { Services } from '../services.ts';
import { queueSenderActionIfAllowed, senderActionTarget } from './sender-action-target.ts';

export async function signalTyping(
  services: Pick<Services, 'db' | 'enqueue'>,
  actor: Actor,
  request: { workspaceId: string; conversationId: string; typing: boolean },
): Promise<{ sent: boolean }> {
  return services.db.withUser(actor, async (trx) => {
    const target = await senderActionTarget(trx, request);
    const sent = await queueSenderActionIfAllowed(
      trx,
      services.enqueue,
      target,
      target.settings.typingEnabled,
      {
        action: request.typing ? 'typing_on' : 'typing_off',
      },
    );
    return { sent };
  });
}
