import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { QUEUES } from '../jobs/queue.ts';
import { type EnrichDeps, enrichContact } from './enrich-contact.ts';

export const enrichContactJob = defineJob({
  queue: QUEUES.enrichContact,
  payload: z.object({ connectionId: z.uuid(), igsid: z.string().min(1) }),
  concurrency: 2,
  run: (deps: EnrichDeps, contact) => enrichContact(deps, contact),
});
