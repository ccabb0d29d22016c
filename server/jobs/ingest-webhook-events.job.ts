import { z } from 'zod';
import type { Database } from '../db/database.ts';
import type { ApplyDeps } from '../inbox/apply-instagram-events.ts';
import { ingestWebhookEvent } from '../inbox/ingest-webhook-event.ts';
import { defineJob } from './job.ts';
import { QUEUES } from './queue.ts';

export const ingestWebhookEventsJob = defineJob({
  queue: QUEUES.ingestWebhookEvents,
  payload: z.object({ webhookEventIds: z.array(z.string().regex(/^\d+$/)).min(1) }),
  concurrency: 2,
  async run(deps: { db: Database; apply: ApplyDeps }, { webhookEventIds }) {
    // Each stored delivery is ingested on its own, so one bad delivery does not hold up the rest;
    // the job fails (and is retried) if any did, and finished deliveries are skipped on retry.
    const failures: unknown[] = [];
    for (const id of webhookEventIds) {
      await ingestWebhookEvent(deps.db, deps.apply, id).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `${failures.length} of ${webhookEventIds.length} deliveries failed`);
    }
  },
});
