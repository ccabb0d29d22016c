// The operator is typing a reply: when the workspace shows typing to customers (off by default),
// Meta is told. Clients call this when typing starts and stops, not on every key.
import type { Actor, Database } from '../db/database.ts';
import { type EnqueueSenderAction, senderActionTarget } from './sender-action-target.ts';

export async function signalTyping(
  deps: { db: Database; enqueueSenderAction: EnqueueSenderAction },
  actor: Actor,
  request: { workspaceId: string; conversationId: string; typing: boolean },
): Promise<{ sent: boolean }> {
  return deps.db.withUser(actor, async (trx) => {
    const target = await senderActionTarget(trx, request);
    const sent = target.settings.typingEnabled && target.deliverable;
    if (sent) {
      await deps.enqueueSenderAction(trx, {
        connectionId: target.connectionId,
        contactId: target.contactId,
        senderAction: { action: request.typing ? 'typing_on' : 'typing_off' },
      });
    }
    return { sent };
  });
}
