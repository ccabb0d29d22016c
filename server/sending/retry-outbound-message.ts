// An operator sends a FAILED reply again; the send job checks the window and the account again.
// FAILED from Meta means Meta did not take it. FAILED "not_delivered" is the operator's own
// verdict on an UNCERTAIN reply, so retrying that one repeats it if the verdict was wrong.
import type { Actor } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import { retry } from './outbound-lifecycle.ts';
import { findOutboundByIds, type OutboundMessage } from './outbound-messages.repository.ts';
import { sendMessagesJob } from './send-messages.job.ts';
import { withVisibleOutboundMessage } from './visible-outbound-message.ts';

export async function retryOutboundMessage(
  services: Pick<Services, 'db' | 'enqueue'>,
  actor: Actor,
  ref: { workspaceId: string; messageId: string },
): Promise<OutboundMessage> {
  return withVisibleOutboundMessage(services.db, actor, ref, async (trx, message) => {
    if (!(await retry(trx, message.id))) {
      throw new AppError('CONFLICT', `Only a failed message can be retried; this one is ${message.status}`);
    }
    await services.enqueue(trx, sendMessagesJob, { conversationId: message.conversationId });
    return (await findOutboundByIds(trx, [message.id]))[0] as OutboundMessage;
  });
}
