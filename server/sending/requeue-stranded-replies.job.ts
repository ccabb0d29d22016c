import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { defineJob } from '../jobs/job.ts';
import { QUEUE_SCHEMA, QUEUES } from '../jobs/queue.ts';
import type { EnqueueSend } from './queue-outbound-message.ts';
import { requeueStrandedReplies } from './requeue-stranded-replies.ts';

export const requeueStrandedRepliesJob = defineJob({
  queue: QUEUES.requeueStrandedReplies,
  payload: z.looseObject({}),
  concurrency: 1,
  run: (deps: { db: Database; enqueueSend: EnqueueSend }) =>
    requeueStrandedReplies({ ...deps, queue: { schema: QUEUE_SCHEMA, name: QUEUES.sendMessages } }),
});
