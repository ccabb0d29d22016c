// SQL for the parsed-event ledger: one row per Meta event, unique per event identity.
import { sql } from 'kysely';
import type { ConnectionRef } from '../accounts/index.ts';
import type { Tx } from '../db/database.ts';
import { type ColumnTypes, unnestRows } from '../db/unnest-rows.ts';
import type { InstagramEvent } from '../meta/instagram-events.ts';
import { eventPayloadColumn } from './jsonb-columns.ts';

export type EventStatus = 'APPLIED' | 'PENDING' | 'IGNORED' | 'UNMATCHED' | 'QUARANTINED';

/** An event to record, with the delivery that brought it and what became of it. */
export interface EventRecord {
  webhookEventId: string;
  event: InstagramEvent;
  connection: ConnectionRef | undefined;
  status: EventStatus;
  detail?: string | null;
}

/** A message of a connection, by its Meta id. */
export const messageKey = (connectionId: string, mid: string) => `${connectionId}\u0000${mid}`;

/** The identity an event is recorded under (unique per account). */
export const eventIdentity = (event: Pick<InstagramEvent, 'accountId' | 'dedupeKey'>) =>
  `${event.accountId}\u0000${event.dedupeKey}`;

/**
 * Records the event unless it was recorded before; returns its id, or null for a redelivery. An
 * event quarantined before is not a redelivery: it is tried again, and its row takes the new
 * outcome. Racing workers serialise on the unique key: the second waits for the first.
 */
export async function recordEvent(
  trx: Tx,
  webhookEventId: string,
  event: InstagramEvent,
  connection: ConnectionRef | undefined,
  status: EventStatus,
  detail: string | null = null,
): Promise<string | null> {
  const recorded = await recordEvents(trx, [{ webhookEventId, event, connection, status, detail }]);
  return recorded.get(eventIdentity(event)) ?? null;
}

const EVENT_COLUMNS: ColumnTypes<'instagram_events'> = {
  webhook_event_id: 'bigint',
  account_id: 'text',
  channel_connection_id: 'uuid',
  workspace_id: 'uuid',
  contact_id: 'text',
  kind: 'text',
  dedupe_key: 'text',
  mid: 'text',
  occurred_at: 'timestamptz',
  payload: 'jsonb',
  status: 'text',
  detail: 'text',
  applied_at: 'timestamptz',
};

/**
 * recordEvent for many events of distinct identities, in one statement: the ids of those recorded
 * now, by `eventIdentity`; a redelivery is absent.
 */
export async function recordEvents(trx: Tx, records: EventRecord[]): Promise<Map<string, string>> {
  if (records.length === 0) return new Map();
  const now = new Date();
  const { columns, select } = unnestRows(
    'instagram_events',
    EVENT_COLUMNS,
    records.map(({ webhookEventId, event, connection, status, detail = null }) => ({
      webhook_event_id: webhookEventId,
      account_id: event.accountId,
      channel_connection_id: connection?.id ?? null,
      workspace_id: connection?.workspaceId ?? null,
      contact_id: event.contactId || null,
      kind: event.kind,
      dedupe_key: event.dedupeKey,
      // A comment's copies are found by its id, as a message's by its mid (to redact them).
      mid: 'mid' in event ? event.mid : event.kind === 'comment' ? event.commentId : null,
      occurred_at: event.occurredAt,
      payload: eventPayloadColumn.encode(event),
      status,
      detail,
      applied_at: status === 'APPLIED' ? now : null,
    })),
  );
  const rows = await trx
    .insertInto('instagram_events')
    .columns(columns)
    .expression(select)
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'dedupe_key'])
        .doUpdateSet((eb) => ({
          webhook_event_id: eb.ref('excluded.webhook_event_id'),
          channel_connection_id: eb.ref('excluded.channel_connection_id'),
          workspace_id: eb.ref('excluded.workspace_id'),
          payload: eb.ref('excluded.payload'),
          status: eb.ref('excluded.status'),
          detail: eb.ref('excluded.detail'),
          applied_at: eb.ref('excluded.applied_at'),
        }))
        .where('instagram_events.status', '=', 'QUARANTINED'),
    )
    .returning(['id', 'account_id', 'dedupe_key'])
    .execute();
  return new Map(
    rows.map((row) => [
      eventIdentity({ accountId: row.account_id, dedupeKey: row.dedupe_key }),
      String(row.id),
    ]),
  );
}

/**
 * Of these events, those whose identity is recorded already, and the messages (by
 * `conversationKey(connection, mid)`) that have events recorded: any of them needs the
 * event-by-event path (a redelivery, an id another sender used, or edits and reactions waiting).
 */
export async function findRecordedBefore(
  trx: Tx,
  events: { accountId: string; dedupeKey: string; connectionId: string; mid: string }[],
): Promise<{ identities: Set<string>; messages: Set<string> }> {
  if (events.length === 0) return { identities: new Set(), messages: new Set() };
  const { rows } = await sql<{
    account_id: string;
    dedupe_key: string;
    channel_connection_id: string | null;
    mid: string | null;
  }>`
    select e.account_id, e.dedupe_key, e.channel_connection_id, e.mid
    from unnest(${events.map((e) => e.accountId)}::text[], ${events.map((e) => e.dedupeKey)}::text[]) as k(account_id, dedupe_key)
    join public.instagram_events e on e.account_id = k.account_id and e.dedupe_key = k.dedupe_key
    union all
    select e.account_id, e.dedupe_key, e.channel_connection_id, e.mid
    from unnest(${events.map((e) => e.connectionId)}::uuid[], ${events.map((e) => e.mid)}::text[]) as m(connection_id, mid)
    join public.instagram_events e on e.channel_connection_id = m.connection_id and e.mid = m.mid`.execute(
    trx,
  );
  return {
    identities: new Set(
      rows.map((row) => eventIdentity({ accountId: row.account_id, dedupeKey: row.dedupe_key })),
    ),
    messages: new Set(
      rows.flatMap((row) =>
        row.channel_connection_id && row.mid ? [messageKey(row.channel_connection_id, row.mid)] : [],
      ),
    ),
  };
}

/** The recorded event with this identity: who sent it. */
export async function findRecordedEvent(trx: Tx, accountId: string, dedupeKey: string) {
  const row = await trx
    .selectFrom('instagram_events')
    .select(['id', 'contact_id'])
    .where('account_id', '=', accountId)
    .where('dedupe_key', '=', dedupeKey)
    .executeTakeFirst();
  return row && { id: String(row.id), contactId: row.contact_id ?? '' };
}

/** Another delivery carried an event already recorded. */
export async function recordRedelivery(trx: Tx, instagramEventId: string, webhookEventId: string) {
  await trx
    .insertInto('instagram_event_redeliveries')
    .values({ instagram_event_id: instagramEventId, webhook_event_id: webhookEventId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Keeps an event that cannot be applied, with the reason, until a replay applies it. */
export async function quarantineEvent(
  trx: Tx,
  webhookEventId: string,
  event: InstagramEvent,
  connection: ConnectionRef | undefined,
  reason: string,
): Promise<void> {
  await recordEvent(trx, webhookEventId, event, connection, 'QUARANTINED', reason);
}

/** Deliveries about to be applied again let go of the events they quarantined last time. */
export async function releaseQuarantined(trx: Tx, webhookEventIds: string[]): Promise<void> {
  if (webhookEventIds.length === 0) return;
  await trx
    .deleteFrom('instagram_events')
    .where('webhook_event_id', 'in', webhookEventIds)
    .where('status', '=', 'QUARANTINED')
    .execute();
}

export type MessageMutation = Extract<InstagramEvent, { kind: 'edit' | 'unsend' | 'reaction' | 'read' }>;

export interface StoredMutation {
  id: string;
  occurredAt: Date;
  event: MessageMutation;
}

const MUTATIONS: MessageMutation['kind'][] = ['edit', 'unsend', 'reaction', 'read'];

/** Every edit, unsend, reaction and read recorded for a message, oldest first. */
export async function listMessageEvents(
  trx: Tx,
  connectionId: string,
  mid: string,
): Promise<StoredMutation[]> {
  const rows = await trx
    .selectFrom('instagram_events')
    .select(['id', 'occurred_at', 'payload'])
    .where('channel_connection_id', '=', connectionId)
    .where('mid', '=', mid)
    .where('kind', 'in', MUTATIONS)
    .where('status', 'in', ['APPLIED', 'PENDING'])
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    occurredAt: row.occurred_at,
    event: eventPayloadColumn.decode(row.payload) as MessageMutation,
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

/** The recorded events that may hold a message's words: the message itself and its edits. */
export async function listMessageCopies(trx: Tx, connectionId: string, mid: string) {
  const rows = await trx
    .selectFrom('instagram_events as e')
    .select([
      'e.id',
      'e.payload',
      'e.webhook_event_id',
      sql<string[]>`array(select r.webhook_event_id::text from public.instagram_event_redeliveries r
                          where r.instagram_event_id = e.id)`.as('redelivered_in'),
    ])
    .where('e.channel_connection_id', '=', connectionId)
    .where('e.mid', '=', mid)
    .where('e.kind', 'in', ['message', 'postback', 'edit', 'comment'])
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    event: eventPayloadColumn.decode(row.payload),
    deliveries: [String(row.webhook_event_id), ...row.redelivered_in],
  }));
}

export async function replaceEventPayload(trx: Tx, id: string, event: InstagramEvent): Promise<void> {
  await trx
    .updateTable('instagram_events')
    .set({ payload: eventPayloadColumn.encode(event) })
    .where('id', '=', id)
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

/** A recorded event's final status, with why. */
export async function settleRecordedEvent(
  trx: Tx,
  id: string,
  status: EventStatus,
  detail: string,
): Promise<void> {
  await trx
    .updateTable('instagram_events')
    .set({ status, detail, applied_at: status === 'APPLIED' ? new Date() : null })
    .where('id', '=', id)
    .execute();
}
