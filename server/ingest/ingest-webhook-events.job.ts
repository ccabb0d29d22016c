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
  // One run at a time per worker process: a run already takes every waiting job (up to `size`),
  // so a second one beside it mostly waits on the same conversations' locks, while taking CPU
  // from the webhook ack on the same machine. Measured with bench:ingest on 2 cores (noisy): one
  // worker ingested 1,150–1,870 events/s over nine runs (median 1,380), against 1,215 and 1,500
  // in two runs with two at a time; the ack while it ingests kept a median 0.32 of the floor,
  // against 0.24. More ingest comes from more worker processes.
  concurrency: 1,
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
