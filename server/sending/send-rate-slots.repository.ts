// The shared send schedule per Instagram account and lane (text or media). Each call reserves
// the next free slot in one atomic upsert, so all worker processes together keep to the limit.
// Times come from the database's clock, the one clock every process shares.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';

export type SendLane = 'text' | 'media';

export type SlotReservation = { reserved: true; waitMs: number } | { reserved: false; retryInMs: number };

/**
 * Reserves the account's next slot in the lane, unless it lies more than `maxAheadMs` away: a
 * caller that would only give the slot up again must not push everyone else's further out.
 */
export async function reserveSendSlot(
  trx: Tx,
  lane: { connectionId: string; lane: SendLane; intervalMs: number; maxAheadMs: number },
): Promise<SlotReservation> {
  const interval = `${lane.intervalMs} milliseconds`;
  const maxAhead = `${lane.maxAheadMs} milliseconds`;
  const { rows } = await sql<{ wait_ms: number }>`
    insert into send_rate_slots as s (channel_connection_id, lane, next_slot_at)
    values (${lane.connectionId}, ${lane.lane}, clock_timestamp() + ${interval}::interval)
    on conflict (channel_connection_id, lane) do update
      set next_slot_at = greatest(s.next_slot_at, clock_timestamp()) + ${interval}::interval
      where s.next_slot_at <= clock_timestamp() + ${maxAhead}::interval
    returning greatest(0, extract(epoch from (s.next_slot_at - ${interval}::interval - clock_timestamp())) * 1000)::float8
      as wait_ms`.execute(trx);
  if (rows[0]) return { reserved: true, waitMs: Number(rows[0].wait_ms) };
  const { rows: busy } = await sql<{ retry_ms: number }>`
    select greatest(0, extract(epoch from (next_slot_at - ${maxAhead}::interval - clock_timestamp())) * 1000)::float8
      as retry_ms
    from send_rate_slots where channel_connection_id = ${lane.connectionId} and lane = ${lane.lane}`.execute(
    trx,
  );
  return { reserved: false, retryInMs: Number(busy[0]?.retry_ms ?? 0) };
}

/** Meta asked us to slow down: no slot in either lane of the account before `delayMs` from now. */
export async function holdSends(trx: Tx, connectionId: string, delayMs: number): Promise<void> {
  const delay = `${Math.round(delayMs)} milliseconds`;
  await sql`
    insert into send_rate_slots as s (channel_connection_id, lane, next_slot_at)
    select ${connectionId}, lane, clock_timestamp() + ${delay}::interval from unnest(array['text', 'media']) as lane
    on conflict (channel_connection_id, lane) do update
      set next_slot_at = greatest(s.next_slot_at, excluded.next_slot_at)`.execute(trx);
}
