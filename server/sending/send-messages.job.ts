import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { QUEUES } from '../jobs/queue.ts';
import { type SendDeps, sendConversationReplies } from './send-outbound-messages.ts';
import { findReplyConversation } from './send-queue.repository.ts';

export const sendMessagesJob = defineJob({
  queue: QUEUES.sendMessages,
  payload: z.union([
    /** The conversation whose waiting replies go out, oldest first. */
    z.object({ conversationId: z.uuid() }),
    /** A reply's parts, as jobs were queued before replies were sent by conversation. */
    z.object({ messageIds: z.array(z.uuid()).min(1) }),
  ]),
  // Enough conversations in flight to fill Meta's 100/s per account while each waits on the network.
  concurrency: 16,
  run: async (deps: SendDeps, payload) => {
    const conversationId =
      'conversationId' in payload
        ? payload.conversationId
        : await deps.db.withService((trx) => findReplyConversation(trx, payload.messageIds[0] as string));
    if (conversationId) await sendConversationReplies(deps, conversationId);
  },
});
