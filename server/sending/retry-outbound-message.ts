// An operator sends a FAILED reply again; the send job checks the window and the account again.
// FAILED from Meta means Meta did not take it. FAILED "not_delivered" is the operator's own
// verdict on an UNCERTAIN reply, so retrying that one repeats it if the verdict was wrong.
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { findOutboundByIds, type OutboundMessage, requeueFailed } from './outbound-messages.repository.ts';
import type { EnqueueSend } from './queue-outbound-message.ts';
import { withVisibleOutboundMessage } from './visible-outbound-message.ts';

export async function retryOutboundMessage(
  deps: { db: Database; enqueueSend: EnqueueSend },
  actor: Actor,
  ref: { workspaceId: string; messageId: string },
): Promise<OutboundMessage> {
  return withVisibleOutboundMessage(deps.db, actor, ref, async (trx, message) => {
    if (!(await requeueFailed(trx, message.id))) {
      throw new AppError('CONFLICT', `Only a failed message can be retried; this one is ${message.status}`);
    }
    await deps.enqueueSend(trx, message.conversationId);
    return (await findOutboundByIds(trx, [message.id]))[0] as OutboundMessage;
  });
}
