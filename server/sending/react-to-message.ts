// An operator reacts to a customer's message (or takes the reaction back). Off unless the
// workspace turned reactions on; refused outside the messaging window, as Meta would.

import { findCustomerMessage, setBusinessReaction } from '../conversations/index.ts';
import type { Actor } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import { senderActionJob } from './sender-action.job.ts';
import { senderActionTarget } from './sender-action-target.ts';

export async function reactToMessage(
  services: Pick<Services, 'db' | 'enqueue'>,
  actor: Actor,
  request: { workspaceId: string; messageId: string; reaction: string | null },
): Promise<{ reaction: string | null }> {
  return services.db.withUser(actor, async (trx) => {
    const message = await findCustomerMessage(trx, request.workspaceId, request.messageId);
    if (!message?.external_message_id) throw new AppError('NOT_FOUND', "Customer's message not found");
    const target = await senderActionTarget(trx, {
      workspaceId: request.workspaceId,
      conversationId: message.conversation_id,
    });
    if (!target.settings.reactionsEnabled) {
      throw new AppError(
        'UNPROCESSABLE',
        'Reactions to customers are turned off for this workspace (Settings).',
      );
    }
    if (!target.deliverable) {
      throw new AppError(
        'UNPROCESSABLE',
        'Instagram accepts reactions only while the conversation can be replied to.',
        { reason: 'window_closed' },
      );
    }
    await setBusinessReaction(trx, message.id, request.reaction);
    await services.enqueue(trx, senderActionJob, {
      connectionId: target.connectionId,
      contactId: target.contactId,
      senderAction:
        request.reaction === null
          ? { action: 'unreact', mid: message.external_message_id }
          : { action: 'react', mid: message.external_message_id, reaction: request.reaction },
    });
    return { reaction: request.reaction };
  });
}
