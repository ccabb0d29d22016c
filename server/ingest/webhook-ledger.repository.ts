// SQL for the raw webhook ledger (webhook_events): written by the ledger's group commit, read,
// settled, replayed and purged by ingest.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { IncomingWebhook } from '../meta/webhook-endpoint.ts';
import { webhookHeadersColumn } from './jsonb-columns.ts';

export type LedgerStatus = 'RECEIVED' | 'PROCESSED' | 'FAILED' | 'IGNORED' | 'UNMATCHED';

/**
 * Stores signed deliveries (or conversations a history import fetched), in one multi-row INSERT;
 * their ids in the same order.
 */
export async function insertLedgerEntries(
  trx: Tx,
  webhooks: IncomingWebhook[],
  historyImportId: string | null = null,
): Promise<string[]> {
  const rows = await trx
    .insertInto('webhook_events')
    .values(
      webhooks.map((webhook) => ({
        raw_body: webhook.rawBody,
        headers: webhookHeadersColumn.encode(webhook.headers),
        signature_valid: true,
        object: webhook.object,
        history_import_id: historyImportId,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((row) => String(row.id));
}

export async function findLedgerEntries(trx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  return trx
    .selectFrom('webhook_events')
    .select(['id', 'raw_body', 'status'])
    .where('id', 'in', ids)
    .orderBy('id')
    .execute();
}

export interface LedgerOutcome {
  status: LedgerStatus;
  accountIds?: string[];
  eventCount?: number;
  error?: string | null;
}

export async function settleLedgerEntry(trx: Tx, id: string, outcome: LedgerOutcome): Promise<void> {
  await settleLedgerEntries(trx, [{ id, ...outcome }]);
}

/** Settles many deliveries in one statement; what an outcome leaves out stays as it was. */
export async function settleLedgerEntries(
  trx: Tx,
  outcomes: (LedgerOutcome & { id: string })[],
): Promise<void> {
  if (outcomes.length === 0) return;
  const now = new Date().toISOString();
  // Account ids travel as one JSON array per delivery: a text[][] would need equal lengths.
  await sql`
    update public.webhook_events w set
      status = o.status,
      processed_at = case when o.status = 'FAILED' then null else ${now}::timestamptz end,
      account_ids = case when o.account_ids is null then w.account_ids
                         else array(select jsonb_array_elements_text(o.account_ids)) end,
      event_count = coalesce(o.event_count, w.event_count),
      error = o.error,
      attempts = w.attempts + 1
    from unnest(${outcomes.map((o) => o.id)}::bigint[], ${outcomes.map((o) => o.status)}::text[],
                ${outcomes.map((o) => (o.accountIds ? JSON.stringify(o.accountIds) : null))}::jsonb[],
                ${outcomes.map((o) => o.eventCount ?? null)}::int[], ${outcomes.map((o) => o.error ?? null)}::text[])
      as o(id, status, account_ids, event_count, error)
    where w.id = o.id`.execute(trx);
}

/**
 * The deliveries ingest processed for these connections: those it recorded events of theirs from
 * (first delivered or delivered again) and those whose failed attempts it counted against them.
 * An account id does not say this: the same Instagram account may be connected to one workspace,
 * disconnected and later connected to another, and Meta's deliveries name only the account.
 */
function deliveriesProcessedFor(connectionIds: string[]) {
  return sql<string>`
    select e.webhook_event_id from public.instagram_events e
    where e.channel_connection_id = any(${connectionIds}::uuid[])
    union
    select r.webhook_event_id from public.instagram_event_redeliveries r
    join public.instagram_events e on e.id = r.instagram_event_id
    where e.channel_connection_id = any(${connectionIds}::uuid[])
    union
    select f.webhook_event_id from public.ingest_failures f
    where f.channel_connection_id = any(${connectionIds}::uuid[])`;
}

/** Whether ingest processed the delivery (a `webhook_events` row in scope) for any other connection. */
function processedForOthers(connectionIds: string[]) {
  return sql<boolean>`(
    exists (select 1 from public.instagram_events e
            where e.webhook_event_id = webhook_events.id
              and e.channel_connection_id <> all(${connectionIds}::uuid[]))
    or exists (select 1 from public.instagram_event_redeliveries r
               join public.instagram_events e on e.id = r.instagram_event_id
               where r.webhook_event_id = webhook_events.id
                 and e.channel_connection_id <> all(${connectionIds}::uuid[]))
    or exists (select 1 from public.ingest_failures f
               where f.webhook_event_id = webhook_events.id
                 and f.channel_connection_id <> all(${connectionIds}::uuid[])))`;
}

/**
 * Deletes what ingest stored for connections being purged: their parsed events, and the raw
 * deliveries processed for them alone. Returns how many of each went.
 */
export async function purgeDeliveriesFor(
  trx: Tx,
  connectionIds: string[],
  accountIds: string[],
): Promise<{ events: number; deliveries: number }> {
  // Raw deliveries processed for these connections and no other, naming only their accounts (a
  // batch naming others is kept for them). Found before their events go: the events are what tie
  // a delivery to a connection. Another workspace that has, or had, the same Instagram account
  // keeps every delivery processed for it, with its events and failures.
  const deliveries = await trx
    .selectFrom('webhook_events')
    .select('id')
    .where(sql<boolean>`id in (${deliveriesProcessedFor(connectionIds)})`)
    .where(sql<boolean>`account_ids <@ ${accountIds}::text[]`)
    .where(sql<boolean>`not ${processedForOthers(connectionIds)}`)
    .execute();
  const events = Number(
    (
      await trx
        .deleteFrom('instagram_events')
        .where('channel_connection_id', 'in', connectionIds)
        .executeTakeFirst()
    ).numDeletedRows,
  );
  if (deliveries.length > 0) {
    await trx
      .deleteFrom('webhook_events')
      .where(
        'id',
        'in',
        deliveries.map((d) => d.id),
      )
      .execute();
  }
  return { events, deliveries: deliveries.length };
}

/** The deliveries whose failure concerns these connections: events quarantined or failed for them. */
function deliveriesFailedFor(connectionIds: string[]) {
  return sql<string>`
    select e.webhook_event_id from public.instagram_events e
    where e.channel_connection_id = any(${connectionIds}::uuid[]) and e.status = 'QUARANTINED'
    union
    select f.webhook_event_id from public.ingest_failures f
    where f.channel_connection_id = any(${connectionIds}::uuid[])`;
}

/**
 * Ledger entries to run again: failed ones; optionally only those naming given accounts (the
 * operator's command line), or only those that failed for given connections (a workspace's).
 */
export async function listFailedLedgerEntries(
  trx: Tx,
  filter: { accountIds?: string[]; connectionIds?: string[]; limit: number },
) {
  let query = trx.selectFrom('webhook_events').select('id').where('status', '=', 'FAILED');
  if (filter.accountIds) query = query.where(sql<boolean>`account_ids && ${filter.accountIds}::text[]`);
  if (filter.connectionIds) {
    query = query.where(sql<boolean>`id in (${deliveriesFailedFor(filter.connectionIds)})`);
  }
  const rows = await query.orderBy('id').limit(filter.limit).execute();
  return rows.map((row) => String(row.id));
}

export async function markForReplay(trx: Tx, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('webhook_events')
    .set({ status: 'RECEIVED', error: null })
    .where('id', 'in', ids)
    .execute();
}

const EVERY_STATUS: LedgerStatus[] = ['RECEIVED', 'PROCESSED', 'FAILED', 'IGNORED', 'UNMATCHED'];

/**
 * The ledger entry holding exactly these bytes, stored since `since` (the webhook self-test finds
 * the delivery it sent itself). Listing every status lets the (status, received_at) index bound
 * the scan to the recent rows, however long the ledger has grown.
 */
export async function findRecentLedgerEntryByBody(trx: Tx, rawBody: Buffer, since: Date) {
  return trx
    .selectFrom('webhook_events')
    .select(['id', 'status', 'error', 'received_at', 'processed_at'])
    .where('status', 'in', EVERY_STATUS)
    .where('received_at', '>=', since)
    .where('raw_body', '=', rawBody)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export async function readRawBodies(trx: Tx, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('webhook_events')
    .select(['id', 'raw_body'])
    .where('id', 'in', ids)
    .execute();
  return rows.map((row) => ({ id: String(row.id), rawBody: row.raw_body }));
}

/** The delivery with content removed (an unsend); its signature no longer matches, by design. */
export async function replaceRawBody(trx: Tx, id: string, rawBody: Buffer): Promise<void> {
  await trx
    .updateTable('webhook_events')
    .set({ raw_body: rawBody, redacted_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/**
 * Per history import, the messages it brought that the inbox did not hold: those whose event was
 * first recorded from a conversation the import fetched (a message seen before is recorded once,
 * under the delivery that brought it first).
 */
export async function countMessagesFirstSeen(trx: Tx, importIds: string[]): Promise<Map<string, number>> {
  if (importIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('webhook_events as w')
    .innerJoin('instagram_events as e', 'e.webhook_event_id', 'w.id')
    .select(['w.history_import_id as importId', (eb) => eb.fn.countAll<string>().as('messages')])
    .where('w.history_import_id', 'in', importIds)
    .where('e.kind', '=', 'message')
    .where('e.status', '=', 'APPLIED')
    .groupBy('w.history_import_id')
    .execute();
  return new Map(rows.map((row) => [row.importId as string, Number(row.messages)]));
}

/**
 * Deletes up to `limit` raw deliveries received before `before` that carried one of `accountIds`
 * (retention), with their parsed events. Deliveries that failed wait to be replayed or
 * discarded, and those not yet ingested to be ingested. The number deleted.
 */
export async function purgeDeliveriesBefore(
  trx: Tx,
  scope: { accountIds: string[] } | 'unowned',
  before: Date,
  limit: number,
): Promise<number> {
  const owner =
    scope === 'unowned'
      ? sql`not exists (select 1 from public.channel_connections c where c.channel_identifier = any(w.account_ids))`
      : sql`w.account_ids && ${scope.accountIds}::text[]`;
  const { rows } = await sql<{ n: number }>`
    with doomed as (
      select id from public.webhook_events w
      where w.received_at < ${before} and w.status in ('PROCESSED', 'IGNORED', 'UNMATCHED') and ${owner}
      order by w.received_at
      limit ${limit}
    ), gone as (
      delete from public.webhook_events w using doomed d where w.id = d.id returning 1
    )
    select count(*)::int as n from gone`.execute(trx);
  return rows[0]?.n ?? 0;
}
