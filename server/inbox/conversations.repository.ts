// SQL for the conversation list. Rows become camelCase DTOs here and nowhere else.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';

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
}

/** Position after which the next page starts: the last row's sort key, at full precision. */
export interface ConversationPosition {
  lastMessageAt: string;
  id: string;
}

export interface ConversationPage {
  items: ConversationSummary[];
  next: ConversationPosition | null;
}

export async function listConversationPage(
  trx: Tx,
  query: {
    workspaceId: string;
    status: ConversationStatus;
    after: ConversationPosition | null;
    limit: number;
  },
): Promise<ConversationPage> {
  let select = trx
    .selectFrom('conversations as c')
    .leftJoin('channel_connections as cc', 'cc.id', 'c.channel_connection_id')
    .select([
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
      // Postgres keeps microseconds; a JS Date would round them and skip or repeat rows.
      sql<string>`c.last_message_at::text`.as('position_at'),
    ])
    .where('c.workspace_id', '=', query.workspaceId)
    .where('c.status', '=', query.status);
  if (query.after) {
    const { lastMessageAt, id } = query.after;
    select = select.where(
      sql<boolean>`(c.last_message_at, c.id) < (${lastMessageAt}::timestamptz, ${id}::uuid)`,
    );
  }
  const rows = await select
    .orderBy('c.last_message_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(query.limit + 1)
    .execute();

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
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
    })),
    next: rows.length > query.limit && last ? { lastMessageAt: last.position_at, id: last.id } : null,
  };
}
