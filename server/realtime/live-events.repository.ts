// The workspace's broadcasts as stored in realtime.messages, in order, after a cursor. Read as
// the operator: RLS on realtime.messages admits them only to topics they may read.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { workspaceTopic } from './topics.ts';

export interface LiveEventPosition {
  insertedAt: string;
  id: string;
}

export interface LiveEvent extends LiveEventPosition {
  event: string;
  payload: Record<string, unknown>;
}

export async function listLiveEvents(
  trx: Tx,
  workspaceId: string,
  after: LiveEventPosition | null,
  limit: number,
): Promise<LiveEvent[]> {
  const topic = workspaceTopic(workspaceId);
  // The read policy checks the topic a Realtime client joined; here that is the workspace's.
  await sql`select set_config('realtime.topic', ${topic}, true)`.execute(trx);
  const { rows } = await sql<{
    inserted_at: string;
    id: string;
    event: string;
    payload: Record<string, unknown>;
  }>`
    select to_char(inserted_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') as inserted_at, id::text, event, payload
    from realtime.messages
    where topic = ${topic} and extension = 'broadcast' and private
      and (${after === null} or (inserted_at, id) > (${after?.insertedAt ?? null}::timestamp, ${after?.id ?? null}::uuid))
    order by inserted_at, id
    limit ${limit}`.execute(trx);
  return rows.map((row) => ({
    insertedAt: row.inserted_at,
    id: row.id,
    event: row.event,
    payload: row.payload,
  }));
}

/** Where the feed stands now, so a new subscriber gets only what happens from here on. */
export async function latestLiveEventPosition(
  trx: Tx,
  workspaceId: string,
): Promise<LiveEventPosition | null> {
  const topic = workspaceTopic(workspaceId);
  await sql`select set_config('realtime.topic', ${topic}, true)`.execute(trx);
  const { rows } = await sql<{ inserted_at: string; id: string }>`
    select to_char(inserted_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') as inserted_at, id::text
    from realtime.messages
    where topic = ${topic} and extension = 'broadcast' and private
    order by inserted_at desc, id desc
    limit 1`.execute(trx);
  const row = rows[0];
  return row ? { insertedAt: row.inserted_at, id: row.id } : null;
}
