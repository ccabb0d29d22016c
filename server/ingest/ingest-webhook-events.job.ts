import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { type IngestServices, ingestWebhookEvents } from './ingest-webhook-events.ts';

/**
 * Deliveries applied in one transaction at most. A backlog's small jobs (one per group commit of
 * the ledger, a few deliveries each under load) are merged up to this, which is what lets ingest
 * catch up at thousands of events a second; bounded so one transaction's locks and retry stay short.
 */
export const MAX_DELIVERIES_PER_RUN = 500;

export const ingestWebhookEventsJob = defineJob({
  queue: 'ingest-webhook-events',
  payload: z.object({ webhookEventIds: z.array(z.string().regex(/^\d+$/)).min(1) }),
  concurrency: 2,
  batch: {
    size: 100,
    merge: (payloads) => {
      const ids = [...new Set(payloads.flatMap((p) => p.webhookEventIds))];
      const runs = [];
      for (let i = 0; i < ids.length; i += MAX_DELIVERIES_PER_RUN) {
        runs.push({ webhookEventIds: ids.slice(i, i + MAX_DELIVERIES_PER_RUN) });
      }
      return runs;
    },
  },
  run: (services: IngestServices, { webhookEventIds }) => ingestWebhookEvents(services, webhookEventIds),
});
