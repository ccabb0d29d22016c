// SQL for the Health screen: webhook volume, failed events, lag and processing time per bucket
// (through the membership-checked private.webhook_health, since the ledgers are server-only),
// each account's send queue, sends and send failures (under RLS), and the workspace's stuck
// background jobs (through the membership-checked private.stuck_jobs: the queue is server-only).
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { HealthWindow } from './health-window.ts';

export interface WebhookBucketRow {
  bucket: Date | null;
  events: string;
  failed_events: string;
  lag_p50_ms: number | null;
  lag_p95_ms: number | null;
  processing_p50_ms: number | null;
  processing_p95_ms: number | null;
}

/** One row per bucket of the window, oldest first, then the totals (bucket null); none for a non-member. */
export async function webhookHealth(
  trx: Tx,
  workspaceId: string,
  window: HealthWindow,
): Promise<WebhookBucketRow[]> {
  const { rows } = await sql<WebhookBucketRow>`
    select * from private.webhook_health(
      ${workspaceId}, ${window.from}, ${window.to}, make_interval(secs => ${window.bucketSeconds}))
  `.execute(trx);
  return rows;
}

export interface QuarantineRow {
  reason: string;
  events: string;
  last_at: Date;
}

/**
 * The workspace's events kept aside now (quarantined: they could not be applied), by reason. Read
 * under RLS (members see their workspace's ledger rows) through the partial index of quarantined
 * events. The reasons name what failed, never a customer's words.
 */
export async function quarantinedEvents(trx: Tx, workspaceId: string): Promise<QuarantineRow[]> {
  const { rows } = await sql<QuarantineRow>`
    select coalesce(detail, 'unknown') as reason, count(*) as events, max(received_at) as last_at
    from public.instagram_events
    where workspace_id = ${workspaceId} and status = 'QUARANTINED'
    group by 1 order by last_at desc limit 20
  `.execute(trx);
  return rows;
}

export interface SendHealthRow {
  id: string;
  display_name: string | null;
  channel_identifier: string;
  status: 'CONNECTED' | 'NEEDS_REAUTH';
  queue_depth: string;
  uncertain: string;
  oldest_waiting_at: Date | null;
  sent: string;
  failed: string;
}

/**
 * Per live account of the workspace: the replies waiting now (queued, being sent, or sent without
 * Meta's confirmation), and the replies sent and failed within the window, by when that happened.
 * Each part reads its own partial index (conversation_messages_send_queue_idx, _sent_at_idx,
 * _failed_idx). A failed reply's updated_at is when it failed: nothing changes it afterwards but
 * an operator's retry, which takes it out of FAILED.
 */
export async function sendHealth(trx: Tx, workspaceId: string, window: HealthWindow) {
  const { rows } = await sql<SendHealthRow>`
    select c.id, c.display_name, c.channel_identifier, c.status,
           queue.depth as queue_depth, queue.uncertain, queue.oldest as oldest_waiting_at,
           sent.n as sent, failed.n as failed
    from public.channel_connections c
    cross join lateral (
      select count(*) as depth, count(*) filter (where m.status = 'UNCERTAIN') as uncertain,
             min(m.created_at) as oldest
      from public.conversation_messages m
      where m.channel_connection_id = c.id and m.status in ('QUEUED', 'SENDING', 'UNCERTAIN')
    ) queue
    cross join lateral (
      select count(*) as n from public.conversation_messages m
      where m.channel_connection_id = c.id and m.sent_at >= ${window.from} and m.sent_at < ${window.to}
    ) sent
    cross join lateral (
      select count(*) as n from public.conversation_messages m
      where m.channel_connection_id = c.id and m.status = 'FAILED'
        and m.updated_at >= ${window.from} and m.updated_at < ${window.to}
    ) failed
    where c.workspace_id = ${workspaceId} and c.status <> 'DISCONNECTED'
    order by c.display_name, c.created_at
  `.execute(trx);
  return rows;
}

export type StuckJobKind = 'receiving' | 'sending' | 'contacts';

export interface StuckJobsRow {
  kind: StuckJobKind;
  jobs: string;
  abandoned: string;
  oldest_seconds: number;
}

/**
 * The workspace's stuck jobs by kind (only kinds with some; none for a non-member). What "stuck"
 * means is in the function's migration (20261203010000_health_stuck_jobs.sql). `now` null reads
 * at the database's clock, the one pg-boss and the workers' lease renewals use.
 */
export async function stuckJobs(trx: Tx, workspaceId: string, now: Date | null): Promise<StuckJobsRow[]> {
  const { rows } = await sql<StuckJobsRow>`
    select * from private.stuck_jobs(${workspaceId}, ${now}::timestamptz)
  `.execute(trx);
  return rows;
}

/** Health shows a day at most; its running totals are kept a day longer (for a late purge run). */
export const HEALTH_TOTALS_DAYS = 2;

/** Deletes Health's running totals older than `before` (as the server); returns how many. */
export async function purgeHealthTotals(trx: Tx, before: Date): Promise<number> {
  const { rows } = await sql<{ purged: string }>`
    select private.purge_webhook_latency(${before}) as purged`.execute(trx);
  return Number(rows[0]?.purged ?? 0);
}
