import { z } from 'zod';
import type { Database } from '../db/database.ts';
import type { ApplyDeps } from '../inbox/apply-instagram-events.ts';
import { ingestWebhookEvents } from '../inbox/ingest-webhook-events.ts';
import { defineJob } from './job.ts';
import { QUEUES } from './queue.ts';

export const ingestWebhookEventsJob = defineJob({
  queue: QUEUES.ingestWebhookEvents,
  payload: z.object({ webhookEventIds: z.array(z.string().regex(/^\d+$/)).min(1) }),
  concurrency: 2,
  run: (deps: { db: Database; apply: ApplyDeps }, { webhookEventIds }) =>
    ingestWebhookEvents(deps.db, deps.apply, webhookEventIds),
});
