import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { performSenderAction, type SenderActionServices } from './perform-sender-action.ts';

const mid = z.string().min(1);

const SenderActionPayload = z.object({
  connectionId: z.uuid(),
  contactId: z.string().min(1),
  senderAction: z.discriminatedUnion('action', [
    z.object({ action: z.literal('react'), mid, reaction: z.string().min(1).max(16) }),
    z.object({ action: z.literal('unreact'), mid }),
    z.object({ action: z.enum(['typing_on', 'typing_off', 'mark_seen']) }),
  ]),
});

export type SenderActionJob = z.infer<typeof SenderActionPayload>;

export const senderActionJob = defineJob({
  queue: 'sender-actions',
  payload: SenderActionPayload,
  concurrency: 4,
  run: (services: SenderActionServices, job) => performSenderAction(services, job),
});
