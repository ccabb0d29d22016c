// An operator answers a customer's comment: in public, under the post, or privately, in the
// customer's DMs. Either is a reply of the conversation, queued and sent by the same durable,
// never-twice path as any other. A private reply needs no open messaging window (and opens none):
// Meta takes one per comment, within 7 days of it. The database holds that "one": a second
// private reply is refused when it is stored, however two operators race.
import {
  COMMENT_KIND,
  findReplyContext,
  previewOf,
  privateReplyWindow,
  recordConversationActivity,
} from '../conversations/index.ts';
import { type Actor, continueAsServer } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import { MAX_TEXT_BYTES, textBytes } from './outbound-content.ts';
import { queueParts } from './outbound-lifecycle.ts';
import {
  findCommentToAnswer,
  findOutboundByKeys,
  type OutboundMessage,
} from './outbound-messages.repository.ts';
import { assertAccountCanSend } from './queue-outbound-message.ts';
import { sendMessagesJob } from './send-messages.job.ts';

/** Instagram's limit for a comment (the app's, as Meta does not publish one for the API). */
export const MAX_COMMENT_CHARACTERS = 2200;

export interface CommentReplyRequest {
  workspaceId: string;
  /** Our id of the comment (its message row). */
  commentMessageId: string;
  text: string;
  /** In the customer's DMs (true), or in public under the post. */
  privately: boolean;
  idempotencyKey: string;
}

const UNIQUE_VIOLATION = '23505';

function checkText(text: string, privately: boolean): string {
  if (!text.trim()) throw new AppError('BAD_INPUT', 'Write a reply');
  if (privately && textBytes(text) > MAX_TEXT_BYTES) {
    throw new AppError(
      'BAD_INPUT',
      `The reply is ${textBytes(text)} bytes long; Instagram accepts at most ${MAX_TEXT_BYTES} bytes (UTF-8)`,
    );
  }
  if (!privately && [...text].length > MAX_COMMENT_CHARACTERS) {
    throw new AppError('BAD_INPUT', `A comment may be at most ${MAX_COMMENT_CHARACTERS} characters long`);
  }
  return text;
}

export async function queueCommentReply(
  services: Pick<Services, 'db' | 'enqueue'>,
  actor: Actor,
  request: CommentReplyRequest,
): Promise<OutboundMessage> {
  const text = checkText(request.text, request.privately);
  const now = new Date();
  return services.db.withUser(actor, async (trx) => {
    // Read under RLS: a comment of another workspace is simply not found.
    const comment = await findCommentToAnswer(trx, request.workspaceId, request.commentMessageId);
    if (!comment) throw new AppError('NOT_FOUND', 'Comment not found in this workspace');
    const conversation = await findReplyContext(trx, request.workspaceId, comment.conversationId);
    if (!conversation) throw new AppError('NOT_FOUND', 'Comment not found in this workspace');

    const [existing] = await findOutboundByKeys(trx, comment.conversationId, [request.idempotencyKey]);
    if (existing) return sameReply(existing, comment.commentId, request, text);

    assertAccountCanSend(conversation);
    if (comment.deleted) throw new AppError('UNPROCESSABLE', 'This comment was deleted from Instagram.');
    if (request.privately) {
      if (comment.hidden) {
        throw new AppError(
          'UNPROCESSABLE',
          'Instagram takes no private reply to a hidden comment; show it first.',
        );
      }
      const window = privateReplyWindow(comment.occurredAt, now);
      if (window.kind === 'closed') {
        throw new AppError('UNPROCESSABLE', window.reason, { reason: 'window_closed' });
      }
    }

    // Members cannot insert messages themselves: the reply, made only of what was checked, is
    // stored as the server.
    await continueAsServer(trx);
    try {
      await queueParts(trx, [
        {
          workspace_id: conversation.workspaceId,
          conversation_id: conversation.conversationId,
          channel_connection_id: conversation.connectionId,
          user_id: actor.userId,
          direction: 'OUTBOUND',
          kind: request.privately ? 'text' : COMMENT_KIND,
          content: text,
          comment_parent_id: request.privately ? null : comment.commentId,
          private_reply_to: request.privately ? comment.commentId : null,
          idempotency_key: request.idempotencyKey,
        },
      ]);
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
        throw new AppError(
          'CONFLICT',
          'This comment has already been answered privately: Instagram allows one private reply per comment.',
        );
      }
      throw error;
    }
    await recordConversationActivity(trx, conversation.conversationId, {
      at: now,
      preview: previewOf({
        direction: 'OUTBOUND',
        kind: request.privately ? 'text' : COMMENT_KIND,
        text,
        attachments: [],
      }),
      inbound: false,
      unread: false,
    });
    await services.enqueue(trx, sendMessagesJob, { conversationId: conversation.conversationId });
    const [queued] = await findOutboundByKeys(trx, conversation.conversationId, [request.idempotencyKey]);
    return queued as OutboundMessage;
  });
}

/** The stored reply for a repeated key, or a conflict if the key was used for something else. */
function sameReply(
  stored: OutboundMessage,
  commentId: string,
  request: CommentReplyRequest,
  text: string,
): OutboundMessage {
  const kind = request.privately ? 'text' : COMMENT_KIND;
  const answers = request.privately ? stored.privateReplyTo : stored.commentParentId;
  if (stored.kind !== kind || stored.content !== text || answers !== commentId) {
    throw new AppError('CONFLICT', 'This idempotency key was already used for a different message', {
      reason: 'idempotency_key_reused',
    });
  }
  return stored;
}
