// SQL for comments, which are rows of conversation_messages (kind 'comment') keyed by their
// Instagram comment id, and for the posts they were made on (instagram_media).
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { MediaDetails } from '../meta/comments-api.ts';

export const COMMENT_KIND = 'comment';

export interface StoredComment {
  id: string;
  conversationId: string;
  direction: 'INBOUND' | 'OUTBOUND';
  status: string;
  content: string;
  occurredAt: Date;
  editedAt: Date | null;
}

export async function findComment(
  trx: Tx,
  connectionId: string,
  commentId: string,
): Promise<StoredComment | undefined> {
  const row = await trx
    .selectFrom('conversation_messages')
    .select(['id', 'conversation_id', 'direction', 'status', 'content', 'occurred_at', 'edited_at'])
    .where('channel_connection_id', '=', connectionId)
    .where('comment_id', '=', commentId)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      conversationId: row.conversation_id,
      direction: row.direction,
      status: row.status,
      content: row.content,
      occurredAt: row.occurred_at,
      editedAt: row.edited_at,
    }
  );
}

/** The customer whose comment `commentId` is: the business's replies to it belong to their thread. */
export async function findCommenter(
  trx: Tx,
  connectionId: string,
  commentId: string,
): Promise<string | undefined> {
  const row = await trx
    .selectFrom('conversation_messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select('c.contact_identifier')
    .where('m.channel_connection_id', '=', connectionId)
    .where('m.comment_id', '=', commentId)
    .executeTakeFirst();
  return row?.contact_identifier;
}

/**
 * Another version of a comment (the same id with other words). The newest version's words win,
 * whatever order versions arrive in; the comment was made when its earliest version was, and
 * `edited_at` is when its newest version was made. The words shown now, or null if this version
 * changed nothing (an unsent or deleted comment stays so).
 */
export async function applyCommentVersion(
  trx: Tx,
  messageId: string,
  version: { text: string; at: Date },
): Promise<{ content: string; occurredAt: Date } | undefined> {
  const row = await trx
    .updateTable('conversation_messages')
    .set({
      content: sql<string>`case when ${version.at} > coalesce(edited_at, occurred_at)
                                then ${version.text} else content end`,
      edit_count: sql<number>`edit_count + 1`,
      edited_at: sql<Date>`greatest(coalesce(edited_at, occurred_at), ${version.at})`,
      occurred_at: sql<Date>`least(occurred_at, ${version.at})`,
    })
    .where('id', '=', messageId)
    .where('unsent_at', 'is', null)
    .returning(['content', 'occurred_at'])
    .executeTakeFirst();
  return row && { content: row.content, occurredAt: row.occurred_at };
}

/**
 * Our own public reply waiting for its outcome (sent, or left uncertain) with these words under
 * this comment: the webhook of a reply whose id we do not know yet is matched to it.
 */
export async function adoptPublicReply(
  trx: Tx,
  reply: { conversationId: string; parentId: string; commentId: string; text: string },
): Promise<boolean> {
  const row = await trx
    .updateTable('conversation_messages')
    .set({ comment_id: reply.commentId, status: 'SENT', sent_at: sql`coalesce(sent_at, now())` })
    .where(
      'id',
      '=',
      trx
        .selectFrom('conversation_messages')
        .select('id')
        .where('conversation_id', '=', reply.conversationId)
        .where('direction', '=', 'OUTBOUND')
        .where('kind', '=', COMMENT_KIND)
        .where('comment_parent_id', '=', reply.parentId)
        .where('comment_id', 'is', null)
        .where('status', 'in', ['SENDING', 'UNCERTAIN'])
        .where('content', '=', reply.text)
        .orderBy('created_at')
        .limit(1),
    )
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Our public reply confirmed by its own webhook. */
export async function confirmPublicReply(trx: Tx, messageId: string): Promise<void> {
  await trx
    .updateTable('conversation_messages')
    .set({ status: 'SENT', sent_at: sql`coalesce(sent_at, now())` })
    .where('id', '=', messageId)
    .where('status', 'in', ['QUEUED', 'SENDING', 'UNCERTAIN'])
    .execute();
}

/** Registers a post seen under a comment; true the first time (its details are then fetched). */
export async function registerMedia(
  trx: Tx,
  media: { connectionId: string; workspaceId: string; mediaId: string; productType: string | null },
): Promise<boolean> {
  const row = await trx
    .insertInto('instagram_media')
    .values({
      channel_connection_id: media.connectionId,
      workspace_id: media.workspaceId,
      media_id: media.mediaId,
      product_type: media.productType,
    })
    .onConflict((oc) => oc.columns(['channel_connection_id', 'media_id']).doNothing())
    .returning('media_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function saveMedia(trx: Tx, connectionId: string, details: MediaDetails): Promise<void> {
  await trx
    .updateTable('instagram_media')
    .set({
      caption: details.caption,
      permalink: details.permalink,
      thumbnail_url: details.thumbnailUrl,
      product_type: sql`coalesce(${details.productType}, product_type)`,
      fetched_at: new Date(),
      fetch_error: null,
    })
    .where('channel_connection_id', '=', connectionId)
    .where('media_id', '=', details.mediaId)
    .execute();
}

export async function recordMediaFetchError(
  trx: Tx,
  media: { connectionId: string; mediaId: string },
  error: string,
): Promise<void> {
  await trx
    .updateTable('instagram_media')
    .set({ fetch_error: error })
    .where('channel_connection_id', '=', media.connectionId)
    .where('media_id', '=', media.mediaId)
    .execute();
}
