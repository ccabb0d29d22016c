import { z } from 'zod';
import { readHealth } from '../../inbox/read-health.ts';
import { router, workspaceProcedure } from '../init.ts';

const msOrNull = z.number().int().nonnegative().nullable();

const WebhookStatsSchema = z.object({
  events: z.number().int().nonnegative(),
  failedDeliveries: z.number().int().nonnegative(),
  lagP50Ms: msOrNull,
  lagP95Ms: msOrNull,
  processingP50Ms: msOrNull,
  processingP95Ms: msOrNull,
});

const HealthSchema = z.object({
  range: z.enum(['hour', 'day']),
  bucketSeconds: z.number().int().positive(),
  totals: WebhookStatsSchema,
  buckets: z.array(WebhookStatsSchema.extend({ at: z.iso.datetime() })),
  accounts: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      waiting: z.number().int().nonnegative(),
      uncertain: z.number().int().nonnegative(),
      sent: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      oldestWaitingSeconds: z.number().int().nonnegative().nullable(),
    }),
  ),
});

export const healthRouter = router({
  /** The integration's health over the last hour (1-minute buckets) or day (1-hour buckets). */
  overview: workspaceProcedure
    .input(z.object({ range: z.enum(['hour', 'day']).default('hour') }))
    .output(HealthSchema)
    .query(({ ctx, input }) =>
      readHealth(ctx.db, ctx.actor, { workspaceId: ctx.workspace.id, range: input.range }),
    ),
});
