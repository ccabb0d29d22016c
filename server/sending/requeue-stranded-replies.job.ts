import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { QUEUE_SCHEMA } from '../jobs/queue.ts';
import type { Services } from '../services.ts';
import { requeueStrandedReplies } from './requeue-stranded-replies.ts';
import { sendMessagesJob } from './send-messages.job.ts';

export const requeueStrandedRepliesJob = defineJob({
  queue: 'requeue-stranded-replies',
  schedule: '*/5 * * * *',
  payload: z.looseObject({}),
  concurrency: 1,
  run: (services: Pick<Services, 'db' | 'enqueue'>) =>
    requeueStrandedReplies({ ...services, queue: { schema: QUEUE_SCHEMA, name: sendMessagesJob.queue } }),
});
