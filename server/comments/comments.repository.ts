// SQL for comments, which are rows of conversation_messages (kind 'comment') keyed by their
// Instagram comment id, and for the posts they were made on (instagram_media).
import { sql } from 'kysely';
import { COMMENT_KIND } from '../conversations/index.ts';
import type { Tx } from '../db/database.ts';
import type { MediaDetails } from '../meta/comments-api.ts';

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

/**
 * A comment of the workspace an operator may hide or delete, under RLS (the caller's workspaces;
 * owners' and admins' only when `adminsOnly`), with its account.
 */
export async function findCommentToModerate(
  trx: Tx,
  request: { workspaceId: string; messageId: string; adminsOnly: boolean },
) {
  let query = trx
    .selectFrom('conversation_messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select([
      'm.id',
      'm.conversation_id',
      'm.channel_connection_id',
      'm.comment_id',
      'm.occurred_at',
      'm.unsent_at',
      'c.contact_identifier',
    ])
    .where('m.id', '=', request.messageId)
    .where('m.workspace_id', '=', request.workspaceId)
    .where('m.kind', '=', COMMENT_KIND)
    .where('m.comment_id', 'is not', null);
  if (request.adminsOnly) {
    query = query.where('m.workspace_id', 'in', sql<string>`(select private.my_admin_workspace_ids())`);
  }
  const row = await query.executeTakeFirst();
  return (
    row && {
      id: row.id,
      conversationId: row.conversation_id,
      connectionId: row.channel_connection_id,
      commentId: row.comment_id as string,
      contactId: row.contact_identifier,
      occurredAt: row.occurred_at,
      deleted: row.unsent_at !== null,
    }
  );
}

export async function markCommentHidden(trx: Tx, messageId: string, hidden: boolean): Promise<void> {
  await trx
    .updateTable('conversation_messages')
    .set({ hidden_at: hidden ? sql<Date>`coalesce(hidden_at, now())` : null })
    .where('id', '=', messageId)
    .execute();
}

/** Gone from Instagram: its words go too (an unsent message keeps none either). */
export async function markCommentDeleted(trx: Tx, messageId: string): Promise<void> {
  await trx
    .updateTable('conversation_messages')
    .set({ content: '', unsent_at: sql<Date>`coalesce(unsent_at, now())` })
    .where('id', '=', messageId)
    .execute();
}
