// SQL for whole conversations read out in order, many at a time (the conversations export): the
// messages of a page of the conversation list, oldest first within each conversation, in batches.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { type ConversationQuery, selectConversations } from './conversations.repository.ts';
import { attachmentUrls } from './thread-message-view.ts';

/** Where a batch stopped: the conversation's place in its page (from 1), the message's time and id. */
export interface TranscriptPosition {
  conversation: number;
  /** Postgres's text form of the time, at full microsecond precision. */
  at: string;
  id: string;
}

/** One message of a transcript, as an export writes it down. */
export interface TranscriptMessage {
  /** The conversation's place in the page of conversations asked about (from 1). */
  conversation: number;
  conversationId: string;
  id: string;
  occurredAt: string;
  direction: 'INBOUND' | 'OUTBOUND';
  kind: string;
  status: string;
  /** Empty for an unsent message: its text is gone (Meta's deletion rule). */
  text: string;
  /** The attachments' links the media policy still allows (expired story media has none). */
  attachmentUrls: string[];
  edited: boolean;
  unsent: boolean;
}

export interface TranscriptBatch {
  items: TranscriptMessage[];
  next: TranscriptPosition | null;
}

interface TranscriptRow {
  conversation: number;
  conversation_id: string;
  id: string;
  occurred_at: Date;
  position_at: string;
  direction: 'INBOUND' | 'OUTBOUND';
  kind: string;
  status: string;
  content: string;
  attachments: unknown;
  edit_count: number;
  unsent_at: Date | null;
}

/**
 * Up to `limit` messages of `conversationIds` after `after`: conversations in the order given,
 * each one's messages oldest first. The caller's RLS applies, so ids of another workspace match
 * nothing. `now` decides which story media has expired.
 */
export async function listTranscriptBatch(
  trx: Tx,
  query: { conversationIds: string[]; after: TranscriptPosition | null; limit: number; now: Date },
): Promise<TranscriptBatch> {
  const { after } = query;
  // The leading `p.ord >=` lets the planner skip the conversations already written whole.
  const resume = after
    ? sql`p.ord >= ${after.conversation}
          and (p.ord, m.occurred_at, m.id) > (${after.conversation}, ${after.at}::timestamptz, ${after.id}::uuid)`
    : sql`true`;
  const { rows } = await sql<TranscriptRow>`
    select p.ord::int as conversation, m.conversation_id, m.id, m.occurred_at,
           m.occurred_at::text as position_at, m.direction, m.kind, m.status, m.content,
           m.attachments, m.edit_count, m.unsent_at
      from unnest(${query.conversationIds}::uuid[]) with ordinality as p (conversation_id, ord)
      join conversation_messages m on m.conversation_id = p.conversation_id
     where ${resume}
     order by p.ord, m.occurred_at, m.id
     limit ${query.limit + 1}`.execute(trx);
  const batch = rows.slice(0, query.limit);
  const last = batch.at(-1);
  return {
    items: batch.map((r) => ({
      conversation: r.conversation,
      conversationId: r.conversation_id,
      id: r.id,
      occurredAt: r.occurred_at.toISOString(),
      direction: r.direction,
      kind: r.kind,
      status: r.status,
      text: r.content,
      attachmentUrls: attachmentUrls(r.attachments, r.occurred_at, query.now),
      edited: r.edit_count > 0,
      unsent: r.unsent_at !== null,
    })),
    next:
      rows.length > query.limit && last
        ? { conversation: last.conversation, at: last.position_at, id: last.id }
        : null,
  };
}

/**
 * How many rows a transcript of the conversations the list shows has: one per message, and one
 * for each conversation without any (a thread opened from an ig.me link before anyone wrote).
 */
export async function countTranscriptRows(trx: Tx, query: ConversationQuery): Promise<number> {
  const row = await selectConversations(trx, query)
    .select(
      sql<string>`coalesce(sum(greatest(
        (select count(*) from conversation_messages m where m.conversation_id = c.id), 1)), 0)`.as('rows'),
    )
    .executeTakeFirstOrThrow();
  return Number(row.rows);
}
