// SQL for conversations: the list (its rows become camelCase DTOs here and nowhere else), the
// reads a reply needs, and the writes of ingest and operators.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { containsPattern } from '../db/like-pattern.ts';
import { newestFirstPage, type PagePosition } from '../db/page-cursor.ts';

export type ConversationStatus = 'ACTIVE' | 'ARCHIVED';

export interface ConversationSummary {
  id: string;
  channelConnectionId: string;
  accountName: string | null;
  contactIdentifier: string;
  contactName: string;
  contactUsername: string | null;
  contactAvatar: string | null;
  status: ConversationStatus;
  assignedTo: string | null;
  lastMessageAt: string;
  lastMessagePreview: string | null;
  lastInboundAt: string | null;
  unreadCount: number;
  /** Counts the conversation's changes; the live stream's events carry it too. */
  version: number;
}

/** Narrowing the list: one account, only unread, only the operator's, or matching a search. */
export interface ConversationFilters {
  accountId?: string;
  unreadOnly?: boolean;
  assignedTo?: string;
  holds?: 'comments' | 'messages';
  /** Matched against the contact's name and username and the text of its messages. */
  search?: string;
  /** Only these conversations. */
  ids?: readonly string[];
}

export interface ConversationPage {
  items: ConversationSummary[];
  next: PagePosition | null;
}

/** Which conversations a list shows: a workspace's, in one status, narrowed by the filters. */
export interface ConversationQuery {
  workspaceId: string;
  status: ConversationStatus;
  filters?: ConversationFilters;
}

/**
 * The conversation list's rows, unordered and unpaged: the one place its filters are applied, so
 * the list and its export always agree on which conversations match. The caller's RLS applies.
 */
export function selectConversations(trx: Tx, query: ConversationQuery) {
  const filters = query.filters ?? {};
  let select = trx
    .selectFrom('conversations as c')
    .where('c.workspace_id', '=', query.workspaceId)
    .where('c.status', '=', query.status)
    // The business messaging itself (previewing its automations) is not a customer conversation.
    .where('c.is_self', '=', false);
  if (filters.accountId) select = select.where('c.channel_connection_id', '=', filters.accountId);
  if (filters.unreadOnly) select = select.where('c.unread_count', '>', 0);
  if (filters.assignedTo) select = select.where('c.assigned_to', '=', filters.assignedTo);
  if (filters.holds === 'comments') select = select.where('c.has_comments', '=', true);
  if (filters.holds === 'messages') select = select.where('c.has_direct_messages', '=', true);
  if (filters.ids) select = select.where('c.id', 'in', filters.ids);
  if (filters.search) {
    // Names by trigram, messages by their conversation's words (decisions 025, 029). `is true`
    // keeps the matches a hashed filter on the walk of the list's own index, which stops at the
    // page's end: a join, which Postgres would choose for a plain `in`, reads every match first.
    const matching = sql<boolean>`(c.id in (select private.search_conversations(
      ${query.workspaceId}::uuid, ${containsPattern(filters.search)}, ${filters.search})) is true)`;
    select = select.where(matching);
  }
  return select;
}

/** A conversation's summary columns, on a selection of conversations `c`. */
function withSummaryColumns(select: ReturnType<typeof selectConversations>) {
  return select.leftJoin('channel_connections as cc', 'cc.id', 'c.channel_connection_id').select([
    'c.id',
    'c.channel_connection_id',
    'cc.display_name as account_name',
    'c.contact_identifier',
    'c.contact_name',
    'c.contact_username',
    'c.contact_avatar',
    'c.status',
    'c.assigned_to',
    'c.last_message_at',
    'c.last_message_preview',
    'c.last_inbound_at',
    'c.unread_count',
    'c.version',
    // Postgres keeps microseconds; a JS Date would round them and skip or repeat rows.
    sql<string>`c.last_message_at::text`.as('position_at'),
  ]);
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof withSummaryColumns>['execute']>>[number];

const toSummary = (r: SummaryRow): ConversationSummary => ({
  id: r.id,
  channelConnectionId: r.channel_connection_id,
  accountName: r.account_name,
  contactIdentifier: r.contact_identifier,
  contactName: r.contact_name,
  contactUsername: r.contact_username,
  contactAvatar: r.contact_avatar,
  status: r.status,
  assignedTo: r.assigned_to,
  lastMessageAt: r.last_message_at.toISOString(),
  lastMessagePreview: r.last_message_preview,
  lastInboundAt: r.last_inbound_at?.toISOString() ?? null,
  unreadCount: r.unread_count,
  version: Number(r.version),
});

export async function listConversationPage(
  trx: Tx,
  query: ConversationQuery & { after: PagePosition | null; limit: number },
): Promise<ConversationPage> {
  const page = await newestFirstPage(
    withSummaryColumns(selectConversations(trx, query)),
    { at: 'c.last_message_at', id: 'c.id' },
    query.after,
    query.limit,
  );
  return { items: page.rows.map(toSummary), next: page.next };
}

/** The summaries of these conversations of the workspace, whatever their status; the caller's RLS applies. */
export async function findConversationSummaries(
  trx: Tx,
  workspaceId: string,
  ids: readonly string[],
): Promise<ConversationSummary[]> {
  if (ids.length === 0) return [];
  const select = trx
    .selectFrom('conversations as c')
    .where('c.workspace_id', '=', workspaceId)
    .where('c.is_self', '=', false)
    .where('c.id', 'in', ids);
  return (await withSummaryColumns(select).execute()).map(toSummary);
}

/** A conversation as a reply to it needs it: its account's state and the messaging window. */
export interface ReplyContext {
  conversationId: string;
  workspaceId: string;
  connectionId: string;
  contactId: string;
  lastInboundAt: Date | null;
  connectionStatus: 'CONNECTED' | 'NEEDS_REAUTH' | 'DISCONNECTED';
  needsReauthReason: string | null;
  humanAgentEnabled: boolean;
  contactName: string;
  contactUsername: string | null;
  contactAvatar: string | null;
  accountName: string | null;
  status: 'ACTIVE' | 'ARCHIVED';
  assignedTo: string | null;
  /** The teammate it is assigned to, by name (their display name, else their email). */
  assigneeName: string | null;
  /** The customer commented on the business's posts. */
  hasComments: boolean;
}

export async function findReplyContext(
  trx: Tx,
  workspaceId: string,
  conversationId: string,
): Promise<ReplyContext | undefined> {
  const row = await trx
    .selectFrom('conversations as c')
    .innerJoin('channel_connections as cc', 'cc.id', 'c.channel_connection_id')
    .innerJoin('workspaces as w', 'w.id', 'c.workspace_id')
    // In the same read: one round trip less for the conversation view.
    .leftJoin('profiles as p', 'p.id', 'c.assigned_to')
    .select([
      'p.display_name as assignee_display_name',
      'p.email as assignee_email',
      'c.id',
      'c.workspace_id',
      'c.channel_connection_id',
      'c.contact_identifier',
      'c.last_inbound_at',
      'c.contact_name',
      'c.contact_username',
      'c.contact_avatar',
      'c.status as conversation_status',
      'c.assigned_to',
      'c.has_comments',
      'cc.display_name',
      'cc.status',
      'cc.needs_reauth_reason',
      'w.human_agent_enabled',
    ])
    .where('c.id', '=', conversationId)
    .where('c.workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return (
    row && {
      conversationId: row.id,
      workspaceId: row.workspace_id,
      connectionId: row.channel_connection_id,
      contactId: row.contact_identifier,
      lastInboundAt: row.last_inbound_at,
      connectionStatus: row.status,
      needsReauthReason: row.needs_reauth_reason,
      humanAgentEnabled: row.human_agent_enabled,
      contactName: row.contact_name,
      contactUsername: row.contact_username,
      contactAvatar: row.contact_avatar,
      accountName: row.display_name,
      status: row.conversation_status,
      assignedTo: row.assigned_to,
      assigneeName: row.assignee_display_name ?? row.assignee_email,
      hasComments: row.has_comments,
    }
  );
}

/** The conversations an operator has with a customer, optionally on one account (ours or Meta's id). */
export async function findRecipientConversations(
  trx: Tx,
  recipient: { contactId: string; workspaceId?: string; accountId?: string },
) {
  let query = trx
    .selectFrom('conversations as c')
    .innerJoin('channel_connections as cc', 'cc.id', 'c.channel_connection_id')
    .select(['c.id', 'c.workspace_id', 'cc.id as account_id', 'cc.display_name', 'cc.channel_identifier'])
    .where('c.contact_identifier', '=', recipient.contactId)
    .where('cc.status', '<>', 'DISCONNECTED');
  if (recipient.workspaceId) query = query.where('c.workspace_id', '=', recipient.workspaceId);
  const { accountId } = recipient;
  if (accountId) {
    query = query.where((eb) =>
      eb.or([
        eb(eb.cast('cc.id', 'text'), '=', accountId),
        eb('cc.channel_identifier', '=', accountId),
        eb('cc.provider_account_id', '=', accountId),
      ]),
    );
  }
  return query.execute();
}

/**
 * The conversation for (account, contact), created by its first message as of `at` (Meta's time
 * of that message). A conversation that ever carries the business messaging itself is marked so.
 */
export async function upsertConversation(
  trx: Tx,
  key: {
    workspaceId: string;
    connectionId: string;
    contactId: string;
    at: Date;
    isSelf: boolean;
  },
): Promise<string> {
  const row = await trx
    .insertInto('conversations')
    .values({
      workspace_id: key.workspaceId,
      channel_connection_id: key.connectionId,
      contact_identifier: key.contactId,
      last_message_at: key.at,
      is_self: key.isSelf,
    })
    .onConflict((oc) =>
      oc.columns(['channel_connection_id', 'contact_identifier']).doUpdateSet((eb) => ({
        is_self: sql<boolean>`conversations.is_self or ${eb.ref('excluded.is_self')}`,
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ConversationKey {
  connectionId: string;
  contactId: string;
}

/**
 * Serialises work on a batch's conversations, up front and in the caller's order, so two
 * transactions never wait on each other in opposite orders. The lock is on the conversation's
 * key, not its row: a reaction processed by one worker and its message by another must not both
 * miss each other because neither had committed yet, and a conversation that does not exist yet
 * is locked too. Returns the ids of those that exist, by `conversationKey`.
 */
export async function lockConversations(trx: Tx, keys: ConversationKey[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const lockKeys = keys.map(({ connectionId, contactId }) => conversationKey(connectionId, contactId));
  // One statement for the whole batch: the ordered subquery hands the keys to the lock function
  // in the caller's order.
  await sql`select pg_advisory_xact_lock(hashtextextended(k.key, 0))
            from (select key from unnest(${lockKeys}::text[]) with ordinality as t(key, n) order by n) k`.execute(
    trx,
  );
  const { rows } = await sql<{ id: string; channel_connection_id: string; contact_identifier: string }>`
    select c.id, c.channel_connection_id, c.contact_identifier
    from unnest(${keys.map((k) => k.connectionId)}::uuid[], ${keys.map((k) => k.contactId)}::text[])
      as k(connection_id, contact_id)
    join public.conversations c
      on c.channel_connection_id = k.connection_id and c.contact_identifier = k.contact_id`.execute(trx);
  return new Map(
    rows.map((row) => [conversationKey(row.channel_connection_id, row.contact_identifier), row.id]),
  );
}

export function conversationKey(connectionId: string, contactId: string): string {
  return `${connectionId}:${contactId}`;
}

/** The lock ingest takes on a conversation, for other writers that must not interleave with it. */
export async function lockConversationKey(trx: Tx, connectionId: string, contactId: string): Promise<string> {
  const key = conversationKey(connectionId, contactId);
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  return key;
}

/**
 * Folds one new message into the conversation's summary. Every field is computed in SQL from the
 * row's current values, so concurrent deliveries and out-of-order arrival converge: the latest
 * message (by Meta's timestamp) owns the preview, and only new inbound messages count as unread.
 * Returns how far the customer has read (Meta's time of the latest business message seen).
 */
export async function recordConversationActivity(
  trx: Tx,
  conversationId: string,
  activity: {
    at: Date;
    preview: string | null;
    inbound: boolean;
    unread: boolean;
    /** What the conversation holds from now on, for the list's Comments / Messages filter. */
    holds?: 'comments' | 'direct_messages';
  },
): Promise<{ customerSeenUntil: Date | null }> {
  const row = await trx
    .updateTable('conversations')
    .set((eb) => ({
      last_message_preview:
        activity.preview === null
          ? eb.ref('last_message_preview')
          : sql<string>`case when ${activity.at} >= last_message_at or last_message_preview is null
                         then ${activity.preview} else last_message_preview end`,
      last_message_at: eb.fn('greatest', [eb.ref('last_message_at'), eb.val(activity.at)]),
      last_inbound_at: activity.inbound
        ? eb.fn('greatest', [eb.ref('last_inbound_at'), eb.val(activity.at)])
        : eb.ref('last_inbound_at'),
      unread_count: activity.unread ? sql<number>`unread_count + 1` : eb.ref('unread_count'),
      // A customer writing again brings an archived conversation back to the inbox.
      status: activity.unread ? sql<'ACTIVE'>`'ACTIVE'` : eb.ref('status'),
      has_comments: activity.holds === 'comments' ? true : eb.ref('has_comments'),
      has_direct_messages: activity.holds === 'direct_messages' ? true : eb.ref('has_direct_messages'),
    }))
    .where('id', '=', conversationId)
    .returning('customer_seen_until')
    .executeTakeFirst();
  return { customerSeenUntil: row?.customer_seen_until ?? null };
}

/** Replaces the preview when the message it shows changed (edited or unsent). */
export async function refreshPreviewFor(
  trx: Tx,
  conversationId: string,
  messageAt: Date,
  preview: string,
): Promise<void> {
  await trx
    .updateTable('conversations')
    .set({ last_message_preview: preview })
    .where('id', '=', conversationId)
    .where('last_message_at', '<=', messageAt)
    .execute();
}

/** Zeroes the unread count; true when there was something unread. */
export async function clearUnread(trx: Tx, workspaceId: string, conversationId: string): Promise<boolean> {
  const cleared = await trx
    .updateTable('conversations')
    .set({ unread_count: 0 })
    .where('id', '=', conversationId)
    .where('workspace_id', '=', workspaceId)
    .where('unread_count', '>', 0)
    .executeTakeFirst();
  return cleared.numUpdatedRows > 0n;
}

/** Archive or reopen, assign or unassign; under RLS only the workspace's members match. */
export async function updateConversationState(
  trx: Tx,
  workspaceId: string,
  conversationId: string,
  changes: { status?: ConversationStatus; assignedTo?: string | null },
): Promise<boolean> {
  if (changes.status === undefined && changes.assignedTo === undefined) return true;
  const result = await trx
    .updateTable('conversations')
    .set({
      ...(changes.status === undefined ? {} : { status: changes.status }),
      ...(changes.assignedTo === undefined ? {} : { assigned_to: changes.assignedTo }),
    })
    .where('id', '=', conversationId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Conversations whose latest message is past retention keep no words of it in their preview. */
export async function forgetPreviewsBefore(trx: Tx, workspaceId: string, before: Date): Promise<void> {
  await trx
    .updateTable('conversations')
    .set({ last_message_preview: null })
    .where('workspace_id', '=', workspaceId)
    .where('last_message_at', '<', before)
    .where('last_message_preview', 'is not', null)
    .execute();
}

/** Deletes a contact's conversation on the account with its messages (their erasure); the counts. */
export async function deleteContactConversation(
  trx: Tx,
  contact: { connectionId: string; igsid: string },
): Promise<{ conversations: number; messages: number }> {
  const { rows } = await sql<{ conversations: number; messages: number }>`
    with doomed as (
      select id from public.conversations
      where channel_connection_id = ${contact.connectionId} and contact_identifier = ${contact.igsid}
    ), messages as (
      select count(*)::int as n from public.conversation_messages where conversation_id in (select id from doomed)
    ), gone as (
      delete from public.conversations where id in (select id from doomed) returning 1
    )
    select (select count(*)::int from gone) as conversations, (select n from messages) as messages`.execute(
    trx,
  );
  return rows[0] ?? { conversations: 0, messages: 0 };
}
