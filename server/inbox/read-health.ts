// The Health screen: how the workspace's Instagram integration is doing over the last hour or day.
// Webhook volume and failed deliveries per bucket, Meta-to-us lag (Meta's event time to our
// receipt) and processing time (receipt to applied) as p50/p95, and per account the replies
// waiting to go out, sent and failed. Read as the operator: members only.
import type { Actor, Database } from '../db/database.ts';
import { sendHealth, type WebhookBucketRow, webhookHealth } from './health.repository.ts';

export type HealthRange = 'hour' | 'day';

const RANGES: Record<HealthRange, { spanSeconds: number; bucketSeconds: number }> = {
  hour: { spanSeconds: 3600, bucketSeconds: 60 },
  day: { spanSeconds: 86_400, bucketSeconds: 3600 },
};

export interface WebhookStats {
  events: number;
  failedDeliveries: number;
  lagP50Ms: number | null;
  lagP95Ms: number | null;
  processingP50Ms: number | null;
  processingP95Ms: number | null;
}

export interface HealthView {
  range: HealthRange;
  bucketSeconds: number;
  totals: WebhookStats;
  buckets: (WebhookStats & { at: string })[];
  accounts: {
    id: string;
    name: string;
    waiting: number;
    uncertain: number;
    sent: number;
    failed: number;
    oldestWaitingSeconds: number | null;
  }[];
}

const round = (ms: number | null) => (ms === null ? null : Math.round(ms));

function stats(row: WebhookBucketRow | undefined): WebhookStats {
  return {
    events: Number(row?.events ?? 0),
    failedDeliveries: Number(row?.failed_deliveries ?? 0),
    lagP50Ms: round(row?.lag_p50_ms ?? null),
    lagP95Ms: round(row?.lag_p95_ms ?? null),
    processingP50Ms: round(row?.processing_p50_ms ?? null),
    processingP95Ms: round(row?.processing_p95_ms ?? null),
  };
}

export async function readHealth(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; range: HealthRange },
): Promise<HealthView> {
  const { spanSeconds, bucketSeconds } = RANGES[request.range];
  const now = new Date();
  const since = new Date(now.getTime() - spanSeconds * 1000);
  return db.withUser(actor, async (trx) => {
    const rows = await webhookHealth(trx, request.workspaceId, since, bucketSeconds);
    const accounts = await sendHealth(trx, request.workspaceId, since);
    const buckets = rows.filter((row) => row.bucket !== null);
    return {
      range: request.range,
      bucketSeconds,
      totals: stats(rows.find((row) => row.bucket === null)),
      buckets: buckets.map((row) => ({ at: (row.bucket as Date).toISOString(), ...stats(row) })),
      accounts: accounts.map((a) => ({
        id: a.id,
        name: a.display_name ?? a.channel_identifier,
        waiting: Number(a.waiting),
        uncertain: Number(a.uncertain),
        sent: Number(a.sent),
        failed: Number(a.failed),
        oldestWaitingSeconds: a.oldest_waiting_at
          ? Math.max(0, Math.round((now.getTime() - new Date(a.oldest_waiting_at).getTime()) / 1000))
          : null,
      })),
    };
  });
}
