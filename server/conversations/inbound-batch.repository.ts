// SQL for ingest's set-based path: a batch of conversations' new customer messages written in one
// statement per table, with the same rules as upsertConversation, insertMessageOnce and
// recordConversationActivity apply one message at a time.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { type ColumnTypes, unnestRows } from '../db/unnest-rows.ts';
import { conversationKey } from './conversations.repository.ts';
import type { NewMessage } from './messages.repository.ts';

export interface ConversationOpening {
  workspaceId: string;
  connectionId: string;
  contactId: string;
  /** Meta's time of the conversation's first message. */
  at: Date;
  isSelf: boolean;
}

/** upsertConversation for many conversations (distinct keys); their ids by `conversationKey`. */
export async function upsertConversations(
  trx: Tx,
  openings: ConversationOpening[],
): Promise<Map<string, string>> {
  if (openings.length === 0) return new Map();
  const rows = await trx
    .insertInto('conversations')
    .values(
      openings.map((o) => ({
        workspace_id: o.workspaceId,
        channel_connection_id: o.connectionId,
        contact_identifier: o.contactId,
        last_message_at: o.at,
        is_self: o.isSelf,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['channel_connection_id', 'contact_identifier']).doUpdateSet((eb) => ({
        is_self: sql<boolean>`conversations.is_self or ${eb.ref('excluded.is_self')}`,
      })),
    )
    .returning(['id', 'channel_connection_id', 'contact_identifier'])
    .execute();
  return new Map(
    rows.map((row) => [conversationKey(row.channel_connection_id, row.contact_identifier), row.id]),
  );
}

/** The columns of a customer's message as ingest stores it (toMessageRow). */
const MESSAGE_COLUMNS: ColumnTypes<'conversation_messages'> = {
  workspace_id: 'uuid',
  conversation_id: 'uuid',
  channel_connection_id: 'uuid',
  occurred_at: 'timestamptz',
  direction: 'text',
  status: 'text',
  kind: 'text',
  content: 'text',
  attachments: 'jsonb',
  external_message_id: 'text',
  reply_to_external_id: 'text',
  provider_data: 'jsonb',
};

/** insertMessageOnce for many messages: those not held already are inserted, and returned. */
export async function insertMessagesOnce(
  trx: Tx,
  messages: NewMessage[],
): Promise<{ id: string; connectionId: string; mid: string }[]> {
  if (messages.length === 0) return [];
  const { columns, select } = unnestRows('conversation_messages', MESSAGE_COLUMNS, messages);
  const rows = await trx
    .insertInto('conversation_messages')
    .columns(columns)
    .expression(select)
    .onConflict((oc) => oc.columns(['channel_connection_id', 'external_message_id']).doNothing())
    .returning(['id', 'channel_connection_id', 'external_message_id'])
    .execute();
  return rows.map((row) => ({
    id: row.id,
    connectionId: row.channel_connection_id,
    mid: row.external_message_id ?? '',
  }));
}

/**
 * A conversation's new customer messages, folded as recordConversationActivity would fold them one
 * after another: the latest (by Meta's time, the last given among equals) owns the preview, unless
 * the conversation already shows a later one.
 */
export interface InboundActivity {
  conversationId: string;
  latestAt: Date;
  latestPreview: string;
  /** The first message's preview: a conversation without one takes it even if it shows a later time. */
  firstPreview: string;
  /** How many of the messages are unread (new, from the customer). */
  unread: number;
}

/** recordConversationActivity for many conversations' inbound messages, in one statement. */
export async function recordInboundActivity(trx: Tx, activities: InboundActivity[]): Promise<void> {
  if (activities.length === 0) return;
  await sql`
    update public.conversations c set
      last_message_preview = case when a.latest_at >= c.last_message_at then a.latest_preview
                                  when c.last_message_preview is null then a.first_preview
                                  else c.last_message_preview end,
      last_message_at = greatest(c.last_message_at, a.latest_at),
      last_inbound_at = greatest(c.last_inbound_at, a.latest_at),
      unread_count = c.unread_count + a.unread,
      -- A customer writing again brings an archived conversation back to the inbox.
      status = case when a.unread > 0 then 'ACTIVE' else c.status end,
      has_direct_messages = true
    from unnest(${activities.map((a) => a.conversationId)}::uuid[],
                ${activities.map((a) => a.latestAt.toISOString())}::timestamptz[],
                ${activities.map((a) => a.latestPreview)}::text[],
                ${activities.map((a) => a.firstPreview)}::text[],
                ${activities.map((a) => a.unread)}::int[])
      as a(id, latest_at, latest_preview, first_preview, unread)
    where c.id = a.id`.execute(trx);
}
