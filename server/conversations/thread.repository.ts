// SQL for reading a conversation's thread, newest first, a page at a time; and messages by id.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { olderThan, type PagePosition } from '../db/page-cursor.ts';

/** Messages `m` with what the thread shows of each: the message quoted, the post commented on. */
function selectThreadMessages(trx: Tx) {
  return (
    trx
      .selectFrom('conversation_messages as m')
      // The message a reply quotes, when we hold it (it may predate the connection). Joined by the
      // account's unique (connection, mid) key, and kept to this conversation.
      .leftJoin('conversation_messages as quoted', (join) =>
        join
          .onRef('quoted.channel_connection_id', '=', 'm.channel_connection_id')
          .onRef('quoted.external_message_id', '=', 'm.reply_to_external_id')
          .onRef('quoted.conversation_id', '=', 'm.conversation_id'),
      )
      // The post a comment was made on, once its details were fetched.
      .leftJoin('instagram_media as media', (join) =>
        join
          .onRef('media.channel_connection_id', '=', 'm.channel_connection_id')
          .on(sql<boolean>`media.media_id = m.provider_data->'comment'->>'mediaId'`),
      )
      .select([
        'm.id',
        'm.direction',
        'm.kind',
        'm.content',
        'm.attachments',
        'm.status',
        'm.external_message_id',
        'm.reply_to_external_id',
        'm.reactions',
        'm.business_reaction',
        'm.edit_count',
        'm.unsent_at',
        'm.seen_at',
        'm.occurred_at',
        'm.error_code',
        'm.error_message',
        'm.messaging_tag',
        'm.provider_data',
        'm.comment_id',
        'm.comment_parent_id',
        'm.private_reply_to',
        'm.hidden_at',
        'media.permalink as media_permalink',
        'media.thumbnail_url as media_thumbnail_url',
        'media.caption as media_caption',
        // Meta allows one private reply per comment (one that did not fail for good).
        sql<boolean>`m.comment_id is not null and exists (
        select 1 from public.conversation_messages r
         where r.channel_connection_id = m.channel_connection_id
           and r.private_reply_to = m.comment_id and r.status <> 'FAILED')`.as('privately_replied'),
        'quoted.id as quoted_id',
        'quoted.direction as quoted_direction',
        'quoted.kind as quoted_kind',
        'quoted.content as quoted_content',
        'quoted.attachments as quoted_attachments',
        'quoted.unsent_at as quoted_unsent_at',
        'm.conversation_id',
        // The page cursor's key, at the column's full (microsecond) precision.
        sql<string>`m.occurred_at::text`.as('position_at'),
      ])
  );
}

export async function listThreadPage(
  trx: Tx,
  conversationId: string,
  before: PagePosition | null,
  limit: number,
) {
  let query = selectThreadMessages(trx).where('m.conversation_id', '=', conversationId);
  if (before) query = query.where(olderThan('m.occurred_at', 'm.id', before));
  return query.orderBy('m.occurred_at', 'desc').orderBy('m.id', 'desc').limit(limit).execute();
}

/** These messages of the workspace, oldest first; the caller's RLS applies. */
export async function findThreadMessages(trx: Tx, workspaceId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return selectThreadMessages(trx)
    .where('m.workspace_id', '=', workspaceId)
    .where('m.id', 'in', ids)
    .orderBy('m.occurred_at')
    .orderBy('m.id')
    .execute();
}

export type ThreadRow = Awaited<ReturnType<typeof listThreadPage>>[number];
