import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { QUEUES } from '../jobs/queue.ts';
import { performSenderAction, type SenderActionDeps } from './perform-sender-action.ts';

const mid = z.string().min(1);

export const senderActionJob = defineJob({
  queue: QUEUES.senderActions,
  payload: z.object({
    connectionId: z.uuid(),
    contactId: z.string().min(1),
    senderAction: z.discriminatedUnion('action', [
      z.object({ action: z.literal('react'), mid, reaction: z.string().min(1).max(16) }),
      z.object({ action: z.literal('unreact'), mid }),
      z.object({ action: z.enum(['typing_on', 'typing_off', 'mark_seen']) }),
    ]),
  }),
  concurrency: 4,
  run: (deps: SenderActionDeps, job) => performSenderAction(deps, job),
});
