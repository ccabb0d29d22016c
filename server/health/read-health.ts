// The Health screen: how the workspace's Instagram integration is doing over the last hour or day.
// Webhook events and failed events per bucket, Meta-to-us lag (Meta's event time to our receipt)
// and processing time (receipt to recorded by ingest) as p50/p95, and per account the send queue,
// the replies sent and those that failed; and the background work that is stuck now (jobs that
// should be running and are not: see stuckJobs). Read as the operator: members only (a non-member
// gets empty figures; the API layer answers NOT_FOUND before asking).
import type { Actor, Database } from '../db/database.ts';
import {
  quarantinedEvents,
  type StuckJobKind,
  type StuckJobsRow,
  sendHealth,
  stuckJobs,
  type WebhookBucketRow,
  webhookHealth,
} from './health.repository.ts';
import { type HealthRange, healthWindow } from './health-window.ts';

export interface WebhookStats {
  events: number;
  failedEvents: number;
  lagP50Ms: number | null;
  lagP95Ms: number | null;
  processingP50Ms: number | null;
  processingP95Ms: number | null;
}

export interface SendStats {
  /** Replies waiting now: queued, being sent, or sent without Meta's confirmation. */
  queueDepth: number;
  /** Of those, the ones sent without confirmation (an operator can settle them). */
  uncertain: number;
  /** How long the oldest waiting reply has waited, in seconds. */
  oldestWaitingSeconds: number | null;
  sent: number;
  failed: number;
}

export interface StuckJobs {
  /** receiving messages (ingest), sending replies (sends, sender actions), contact profiles. */
  kind: StuckJobKind;
  /** Jobs that should be running and are not. */
  jobs: number;
  /** Of those, the ones a worker had started and stopped renewing (it died or lost the database). */
  abandoned: number;
  /** How long ago the oldest of them was due, in seconds. */
  oldestSeconds: number | null;
}

export interface HealthView {
  range: HealthRange;
  bucketSeconds: number;
  from: string;
  to: string;
  totals: WebhookStats;
  buckets: (WebhookStats & { at: string })[];
  sending: SendStats;
  accounts: (SendStats & { id: string; name: string; status: 'CONNECTED' | 'NEEDS_REAUTH' })[];
  /** Events kept aside now, whenever they arrived: a replay applies them once the cause is fixed. */
  quarantined: { reason: string; events: number; lastAt: string }[];
  /** Every kind, in this order, with zeros when nothing of it is stuck. */
  stuckJobs: StuckJobs[];
}

const STUCK_JOB_KINDS: StuckJobKind[] = ['receiving', 'sending', 'contacts'];

function stuckJobsByKind(rows: StuckJobsRow[]): StuckJobs[] {
  return STUCK_JOB_KINDS.map((kind) => {
    const row = rows.find((r) => r.kind === kind);
    return {
      kind,
      jobs: Number(row?.jobs ?? 0),
      abandoned: Number(row?.abandoned ?? 0),
      oldestSeconds: row ? Math.max(0, Math.round(row.oldest_seconds)) : null,
    };
  });
}

const round = (ms: number | null) => (ms === null ? null : Math.round(ms));

function webhookStats(row: WebhookBucketRow | undefined): WebhookStats {
  return {
    events: Number(row?.events ?? 0),
    failedEvents: Number(row?.failed_events ?? 0),
    lagP50Ms: round(row?.lag_p50_ms ?? null),
    lagP95Ms: round(row?.lag_p95_ms ?? null),
    processingP50Ms: round(row?.processing_p50_ms ?? null),
    processingP95Ms: round(row?.processing_p95_ms ?? null),
  };
}

function secondsSince(at: Date | null, now: Date): number | null {
  return at === null ? null : Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
}

function sumSending(accounts: SendStats[]): SendStats {
  const oldest = accounts.flatMap((a) => (a.oldestWaitingSeconds === null ? [] : [a.oldestWaitingSeconds]));
  return {
    queueDepth: accounts.reduce((sum, a) => sum + a.queueDepth, 0),
    uncertain: accounts.reduce((sum, a) => sum + a.uncertain, 0),
    oldestWaitingSeconds: oldest.length > 0 ? Math.max(...oldest) : null,
    sent: accounts.reduce((sum, a) => sum + a.sent, 0),
    failed: accounts.reduce((sum, a) => sum + a.failed, 0),
  };
}

/**
 * `now` fixes the moment read (tests). Without it the window ends at the app's clock, and stuck
 * jobs are judged by the database's, which also times the jobs' leases: a few seconds of skew
 * between the two would otherwise make every running job look abandoned.
 */
export async function readHealth(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; range: HealthRange },
  at?: Date,
): Promise<HealthView> {
  const now = at ?? new Date();
  const window = healthWindow(request.range, now);
  return db.withUser(actor, async (trx) => {
    const rows = await webhookHealth(trx, request.workspaceId, window);
    const accountRows = await sendHealth(trx, request.workspaceId, window);
    const quarantined = await quarantinedEvents(trx, request.workspaceId);
    const stuck = await stuckJobs(trx, request.workspaceId, at ?? null);
    const accounts = accountRows.map((a) => ({
      id: a.id,
      name: a.display_name ?? a.channel_identifier,
      status: a.status,
      queueDepth: Number(a.queue_depth),
      uncertain: Number(a.uncertain),
      oldestWaitingSeconds: secondsSince(a.oldest_waiting_at, now),
      sent: Number(a.sent),
      failed: Number(a.failed),
    }));
    return {
      range: request.range,
      bucketSeconds: window.bucketSeconds,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      totals: webhookStats(rows.find((row) => row.bucket === null)),
      buckets: rows.flatMap((row) =>
        row.bucket === null ? [] : [{ at: row.bucket.toISOString(), ...webhookStats(row) }],
      ),
      sending: sumSending(accounts),
      accounts,
      quarantined: quarantined.map((q) => ({
        reason: q.reason,
        events: Number(q.events),
        lastAt: q.last_at.toISOString(),
      })),
      stuckJobs: stuckJobsByKind(stuck),
    };
  });
}
