import { z } from 'zod';
import { readHealth } from '../../health/index.ts';
import { router, workspaceProcedure } from '../init.ts';

const count = z.number().int().nonnegative();
const msOrNull = z.number().int().nonnegative().nullable();

const WebhookStatsSchema = z.object({
  events: count,
  failedEvents: count,
  lagP50Ms: msOrNull,
  lagP95Ms: msOrNull,
  processingP50Ms: msOrNull,
  processingP95Ms: msOrNull,
});

const SendStatsSchema = z.object({
  queueDepth: count,
  uncertain: count,
  oldestWaitingSeconds: count.nullable(),
  sent: count,
  failed: count,
});

const HealthSchema = z.object({
  range: z.enum(['hour', 'day']),
  bucketSeconds: z.number().int().positive(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  totals: WebhookStatsSchema,
  buckets: z.array(WebhookStatsSchema.extend({ at: z.iso.datetime() })),
  sending: SendStatsSchema,
  accounts: z.array(
    SendStatsSchema.extend({
      id: z.uuid(),
      name: z.string(),
      status: z.enum(['CONNECTED', 'NEEDS_REAUTH']),
    }),
  ),
  quarantined: z.array(z.object({ reason: z.string(), events: count, lastAt: z.iso.datetime() })),
  /** Background jobs that should be running and are not, per kind (every kind, zeros included). */
  stuckJobs: z.array(
    z.object({
      kind: z.enum(['receiving', 'sending', 'contacts']),
      jobs: count,
      abandoned: count,
      oldestSeconds: count.nullable(),
    }),
  ),
});

export const healthRouter = router({
  /** The integration's health over the last hour (60 one-minute buckets) or day (24 one-hour buckets). */
  overview: workspaceProcedure
    .input(z.object({ range: z.enum(['hour', 'day']).default('hour') }))
    .output(HealthSchema)
    .query(({ ctx, input }) =>
      readHealth(ctx.db, ctx.actor, { workspaceId: ctx.workspace.id, range: input.range }),
    ),
});
