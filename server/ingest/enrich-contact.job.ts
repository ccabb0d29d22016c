import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { type EnrichServices, enrichContact } from './enrich-contact.ts';

export const enrichContactJob = defineJob({
  queue: 'enrich-contact',
  payload: z.object({ connectionId: z.uuid(), igsid: z.string().min(1) }),
  concurrency: 2,
  run: (services: EnrichServices, contact) => enrichContact(services, contact),
});
