import { z } from 'zod';
import { type EnrichDeps, enrichContact } from '../inbox/enrich-contact.ts';
import { defineJob } from './job.ts';
import { QUEUES } from './queue.ts';

export const enrichContactJob = defineJob({
  queue: QUEUES.enrichContact,
  payload: z.object({ connectionId: z.uuid(), igsid: z.string().min(1) }),
  concurrency: 2,
  run: (deps: EnrichDeps, contact) => enrichContact(deps, contact),
});
