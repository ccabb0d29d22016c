// SQL for the parsed-event ledger: one row per Meta event, unique per event identity.
import type { Tx } from '../db/database.ts';
import type { InstagramEvent } from '../meta/instagram-events.ts';
import type { ConnectionRef } from './connections.repository.ts';

export type EventStatus = 'APPLIED' | 'PENDING' | 'IGNORED' | 'UNMATCHED';

/**
 * Records the event unless it was recorded before; returns its id, or null for a redelivery. Racing
 * workers serialise on the unique key: the second waits for the first and then sees the row.
 */
export async function recordEvent(
  trx: Tx,
  webhookEventId: string,
  event: InstagramEvent,
  connection: ConnectionRef | undefined,
  status: EventStatus,
  detail: string | null = null,
): Promise<string | null> {
  const inserted = await trx
    .insertInto('instagram_events')
    .values({
      webhook_event_id: webhookEventId,
      account_id: event.accountId,
      channel_connection_id: connection?.id ?? null,
      workspace_id: connection?.workspaceId ?? null,
      contact_id: event.contactId || null,
      kind: event.kind,
      dedupe_key: event.dedupeKey,
      mid: 'mid' in event ? event.mid : null,
      occurred_at: event.occurredAt,
      payload: JSON.stringify(event),
      status,
      detail,
      applied_at: status === 'APPLIED' ? new Date() : null,
    })
    .onConflict((oc) => oc.columns(['account_id', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted === undefined ? null : String(inserted.id);
}

export interface StoredMutation {
  id: string;
  kind: string;
  occurredAt: Date;
  event: InstagramEvent;
}

/** Every edit, unsend, reaction and read recorded for a message, oldest first. */
export async function listMessageEvents(
  trx: Tx,
  connectionId: string,
  mid: string,
): Promise<StoredMutation[]> {
  const rows = await trx
    .selectFrom('instagram_events')
    .select(['id', 'kind', 'occurred_at', 'payload'])
    .where('channel_connection_id', '=', connectionId)
    .where('mid', '=', mid)
    .where('kind', 'in', ['edit', 'unsend', 'reaction', 'read'])
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    kind: row.kind,
    occurredAt: row.occurred_at,
    event: row.payload as unknown as InstagramEvent,
  }));
}

export async function markApplied(trx: Tx, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('instagram_events')
    .set({ status: 'APPLIED', applied_at: new Date() })
    .where('id', 'in', ids)
    .where('status', '=', 'PENDING')
    .execute();
}

/** What ingest made of each event of one delivery. */
export async function listDeliveryOutcomes(trx: Tx, webhookEventId: string) {
  return trx
    .selectFrom('instagram_events')
    .select(['account_id', 'kind', 'status', 'detail'])
    .where('webhook_event_id', '=', webhookEventId)
    .orderBy('id')
    .execute();
}
