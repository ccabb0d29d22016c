// An operator has read a conversation: its unread count goes to zero, and when the workspace
// sends seen marks (off by default: customers notice them) the customer sees it as seen, once per
// batch of unread messages, however many screens report the reading.

import { clearUnread } from '../conversations/index.ts';
import type { Actor } from '../db/database.ts';
import type { Services } from '../services.ts';
import { queueSenderActionIfAllowed, senderActionTarget } from './sender-action-target.ts';

export async function markConversationRead(
  services: Pick<Services, 'db' | 'enqueue'>,
  actor: Actor,
  request: { workspaceId: string; conversationId: string },
): Promise<{ seenSent: boolean }> {
  return services.db.withUser(actor, async (trx) => {
    const hadUnread = await clearUnread(trx, request.workspaceId, request.conversationId);
    const target = await senderActionTarget(trx, request);
    const seenSent = await queueSenderActionIfAllowed(
      trx,
      services.enqueue,
      target,
      target.settings.seenEnabled && hadUnread,
      {
        action: 'mark_seen',
      },
    );
    return { seenSent };
  });
}
