import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { type IngestServices, ingestWebhookEvents } from './ingest-webhook-events.ts';

export const ingestWebhookEventsJob = defineJob({
  queue: 'ingest-webhook-events',
  payload: z.object({ webhookEventIds: z.array(z.string().regex(/^\d+$/)).min(1) }),
  concurrency: 2,
  run: (services: IngestServices, { webhookEventIds }) => ingestWebhookEvents(services, webhookEventIds),
});
