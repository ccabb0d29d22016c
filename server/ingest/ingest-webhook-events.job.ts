import { z } from 'zod';
import type { Database, Tx } from '../db/database.ts';
import { defineJob } from '../jobs/job.ts';
import { QUEUES } from '../jobs/queue.ts';
import type { ApplyDeps } from './apply-instagram-events.ts';
import { ingestWebhookEvents } from './ingest-webhook-events.ts';

/** Queues the ingest of stored deliveries, in the caller's transaction (the services make one). */
export type EnqueueIngest = (trx: Tx, webhookEventIds: string[]) => Promise<void>;

export const ingestWebhookEventsJob = defineJob({
  queue: QUEUES.ingestWebhookEvents,
  payload: z.object({ webhookEventIds: z.array(z.string().regex(/^\d+$/)).min(1) }),
  concurrency: 2,
  run: (deps: { db: Database; apply: ApplyDeps }, { webhookEventIds }) =>
    ingestWebhookEvents(deps.db, deps.apply, webhookEventIds),
});
