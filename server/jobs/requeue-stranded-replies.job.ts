import { z } from 'zod';
import type { Database } from '../db/database.ts';
import type { EnqueueSend } from '../inbox/queue-outbound-message.ts';
import { requeueStrandedReplies } from '../inbox/requeue-stranded-replies.ts';
import { defineJob } from './job.ts';
import { QUEUE_SCHEMA, QUEUES } from './queue.ts';

export const requeueStrandedRepliesJob = defineJob({
  queue: QUEUES.requeueStrandedReplies,
  payload: z.looseObject({}),
  concurrency: 1,
  run: (deps: { db: Database; enqueueSend: EnqueueSend }) =>
    requeueStrandedReplies({ ...deps, queue: { schema: QUEUE_SCHEMA, name: QUEUES.sendMessages } }),
});
