// A comment from a webhook, applied inside ingest's transaction for the commenter's conversation.
// A customer's comment is an item of their thread: unread, but it opens no messaging window
// (Meta: only a private reply may answer it there). The same comment with other words is an
// edit; the business's own public reply confirms ours, or is kept as typed elsewhere.
import type { ConnectionRef } from '../accounts/index.ts';
import {
  COMMENT_KIND,
  type NewMessage,
  previewOf,
  providerDataColumn,
  recordConversationActivity,
  refreshPreviewFor,
} from '../conversations/index.ts';
import type { Tx } from '../db/database.ts';
import type { InstagramEvent } from '../meta/instagram-events.ts';
import { adoptCommentEcho, confirmByEcho } from '../sending/index.ts';
import { applyCommentVersion, findComment, registerMedia } from './comments.repository.ts';

export type CommentEvent = Extract<InstagramEvent, { kind: 'comment' }>;

/** What storing did: whether the comment is new, and whether its post is seen for the first time. */
export interface StoredCommentOutcome {
  inserted: boolean;
  newMediaId: string | null;
}

export async function storeComment(
  trx: Tx,
  connection: ConnectionRef,
  conversationId: string,
  event: CommentEvent,
): Promise<StoredCommentOutcome> {
  const known = await findComment(trx, connection.id, event.commentId);
  if (known) {
    const now = await applyCommentVersion(trx, known.id, { text: event.text, at: event.occurredAt });
    if (now) {
      await refreshPreviewFor(
        trx,
        conversationId,
        now.occurredAt,
        commentPreview({ ...event, text: now.content }),
      );
    }
    if (event.direction === 'OUTBOUND') await confirmByEcho(trx, known.id);
    return { inserted: false, newMediaId: null };
  }
  const adopted =
    event.direction === 'OUTBOUND' &&
    event.parentId !== null &&
    (await adoptCommentEcho(trx, {
      conversationId,
      parentId: event.parentId,
      commentId: event.commentId,
      text: event.text,
      at: event.occurredAt,
    })) !== null;
  if (!adopted)
    await trx
      .insertInto('conversation_messages')
      .values(commentRow(connection, conversationId, event))
      .execute();
  await recordConversationActivity(trx, conversationId, {
    at: event.occurredAt,
    preview: commentPreview(event),
    // A comment is not a direct message: Meta's 24-hour window stays as it was.
    inbound: false,
    unread: event.direction === 'INBOUND' && !adopted,
    holds: 'comments',
  });
  const media =
    event.mediaId &&
    (await registerMedia(trx, {
      connectionId: connection.id,
      workspaceId: connection.workspaceId,
      mediaId: event.mediaId,
      productType: event.mediaProductType,
    }));
  return { inserted: !adopted, newMediaId: media ? event.mediaId : null };
}

function commentPreview(event: Pick<CommentEvent, 'direction' | 'text'>): string {
  return previewOf({ direction: event.direction, kind: COMMENT_KIND, text: event.text, attachments: [] });
}

function commentRow(connection: ConnectionRef, conversationId: string, event: CommentEvent): NewMessage {
  return {
    workspace_id: connection.workspaceId,
    conversation_id: conversationId,
    channel_connection_id: connection.id,
    occurred_at: event.occurredAt,
    direction: event.direction,
    status: event.direction === 'OUTBOUND' ? 'SENT' : 'RECEIVED',
    kind: COMMENT_KIND,
    content: event.text,
    comment_id: event.commentId,
    comment_parent_id: event.parentId,
    provider_data: providerDataColumn.encode({
      replyToStory: null,
      quickReplyPayload: null,
      postbackPayload: null,
      referral: null,
      standby: false,
      // The business's reply typed in the Instagram app (or another tool), not in this inbox.
      origin: event.direction === 'OUTBOUND' ? 'echo' : null,
      comment: {
        mediaId: event.mediaId,
        mediaProductType: event.mediaProductType,
        adId: event.adId,
        adTitle: event.adTitle,
        live: event.live,
      },
    }),
  };
}
