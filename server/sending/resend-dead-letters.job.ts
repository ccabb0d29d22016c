// A reply waits QUEUED only while a send job is there to send it. A send job that runs out of
// retries (a database outage longer than its retry schedule, a bug that throws on every run) is
// moved by pg-boss to this queue, its dead-letter queue; here the conversation gets a new send
// job if it still has replies waiting, so none is stranded. The send job takes replies in order
// and claims each before calling Meta, so a job too many sends nothing twice.

import { defineJob } from '../jobs/job.ts';
import type { Services } from '../services.ts';
import {
  conversationOf,
  SEND_DEAD_LETTER_QUEUE,
  SendMessagesPayload,
  sendMessagesJob,
} from './send-messages.job.ts';
import { peekNextReply } from './send-queue.repository.ts';

export const resendDeadLettersJob = defineJob({
  queue: SEND_DEAD_LETTER_QUEUE,
  /** What the dead send job carried. */
  payload: SendMessagesPayload,
  concurrency: 1,
  run: (services: Pick<Services, 'db' | 'enqueue'>, payload) =>
    services.db.withService(async (trx) => {
      const conversationId = await conversationOf(trx, payload);
      if (!conversationId || !(await peekNextReply(trx, conversationId))) return;
      console.error(`send: a send job ran out of retries; conversation ${conversationId} is queued again`);
      await services.enqueue(trx, sendMessagesJob, { conversationId });
    }),
});
