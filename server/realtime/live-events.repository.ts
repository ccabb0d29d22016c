// The live log (public.live_events): every change the database published, per workspace, read
// after a position (live-position.ts). Read as the operator: RLS admits a member's workspaces only.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { invalidPosition, type LivePosition } from './live-position.ts';

export interface LoggedEvent {
  /** Where a reader stands once it has taken this event. */
  position: LivePosition;
  event: string;
  body: Record<string, unknown>;
  at: Date;
}

export type LogRead =
  | {
      kind: 'events';
      events: LoggedEvent[];
      /** Where the reader stands after the last event (or after nothing, if none). */
      next: LivePosition;
      /**
       * Read again at once: the page was full, or it finished a page begun earlier, whose end
       * (that earlier snapshot) may lie before changes committed since.
       */
      more: boolean;
    }
  /** Events after the position were purged: refetch, and go on from `next`. */
  | { kind: 'gone'; next: LivePosition };

/**
 * Up to `limit` events of the workspace after `from`, in transaction order and, within one
 * transaction, in the order it made them. A position from the future (not one this database handed
 * out) is refused; `field` names it in the error.
 */
export async function readLiveLog(
  trx: Tx,
  workspaceId: string,
  from: LivePosition,
  limit: number,
  field: string,
): Promise<LogRead> {
  const { rows } = await sql<{
    now: string;
    up_to: string;
    from_future: boolean;
    gone: boolean;
    xid: string | null;
    seq: string | null;
    event: string | null;
    body: Record<string, unknown> | null;
    created_at: Date | null;
  }>`
    with bounds as (
      select pg_current_snapshot() as now, ${from.seen}::pg_snapshot as seen,
             coalesce(${from.batch?.upTo ?? null}::pg_snapshot, pg_current_snapshot()) as up_to
    )
    select b.now::text as now, b.up_to::text as up_to,
           greatest(pg_snapshot_xmax(b.seen), pg_snapshot_xmax(b.up_to)) > pg_snapshot_xmax(b.now) as from_future,
           private.live_events_purged_through(${workspaceId}::uuid) >= pg_snapshot_xmin(b.seen) as gone,
           e.xid::text as xid, e.seq::text as seq, e.event, e.body, e.created_at
    from bounds b
    left join lateral (
      select e.xid, e.seq, e.event, e.body, e.created_at
      from public.live_events e
      where e.workspace_id = ${workspaceId}
        and e.xid >= pg_snapshot_xmin(b.seen)
        and not pg_visible_in_snapshot(e.xid, b.seen)
        and pg_visible_in_snapshot(e.xid, b.up_to)
        and (${from.batch?.xid ?? null}::xid8 is null
             or (e.xid, e.seq) > (${from.batch?.xid ?? null}::xid8, ${from.batch?.seq ?? null}::bigint))
      order by e.xid, e.seq
      limit ${limit}
    ) e on true`.execute(trx);
  const first = rows[0];
  if (!first) throw new Error('the bounds row is always there');
  if (first.from_future) throw invalidPosition(field);
  if (first.gone) return { kind: 'gone', next: { seen: first.now } };

  const taken = rows.filter((row) => row.xid !== null);
  const full = taken.length === limit;
  const events = taken.map((row, index): LoggedEvent => {
    const last = index === taken.length - 1;
    return {
      // The batch's last event puts the reader past the whole batch.
      position:
        last && !full
          ? { seen: first.up_to }
          : { seen: from.seen, batch: { upTo: first.up_to, xid: row.xid as string, seq: row.seq as string } },
      event: row.event as string,
      body: row.body as Record<string, unknown>,
      at: row.created_at as Date,
    };
  });
  return {
    kind: 'events',
    events,
    next: events.at(-1)?.position ?? { seen: first.up_to },
    more: full || from.batch !== undefined,
  };
}

/** Where the log stands now: a reader starting here gets what commits from now on. */
export async function currentLivePosition(trx: Tx): Promise<LivePosition> {
  const { rows } = await sql<{ now: string }>`select pg_current_snapshot()::text as now`.execute(trx);
  return { seen: (rows[0] as { now: string }).now };
}

/** How long the log keeps events: an app offline for longer resyncs instead of resuming. */
export const LIVE_LOG_DAYS = 7;

/**
 * Deletes up to `limit` events older than `before` (as the server), remembering per workspace the
 * newest transaction purged, so a reader whose position predates it is told to resync. Returns how
 * many were deleted; call again until it returns less than `limit`.
 */
export async function purgeLiveEvents(trx: Tx, before: Date, limit: number): Promise<number> {
  const { rows } = await sql<{ deleted: string }>`
    with old as (
      select workspace_id, xid, seq from public.live_events
      where created_at < ${before}
      order by created_at
      limit ${limit}
    ), gone as (
      delete from public.live_events e using old
      where (e.workspace_id, e.xid, e.seq) = (old.workspace_id, old.xid, old.seq)
      returning e.workspace_id, e.xid
    ), marks as (
      insert into private.live_events_purged (workspace_id, through_xid)
      select workspace_id, max(xid) from gone group by workspace_id
      on conflict (workspace_id) do update
        set through_xid = greatest(private.live_events_purged.through_xid, excluded.through_xid)
    )
    select count(*)::text as deleted from gone`.execute(trx);
  return Number(rows[0]?.deleted ?? 0);
}
