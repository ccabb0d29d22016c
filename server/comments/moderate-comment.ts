// An operator hides a customer's comment from the post (any member: the commenter still sees it),
// shows it again, or deletes it (owners and admins: it is gone for everyone). Meta is asked first;
// the inbox records only what Meta did. A comment Meta no longer has (its author deleted it, and
// Meta sends no webhook for that) is recorded as deleted, its words removed from every copy.
import { findConnectionCredentials, markNeedsReauth } from '../accounts/index.ts';
import { contactRef, recordAudit } from '../audit/index.ts';
import { previewOf, refreshPreviewFor } from '../conversations/index.ts';
import type { Actor, Tx } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { redactCopies } from '../ingest/index.ts';
import { deleteComment as deleteAtMeta, setCommentHidden } from '../meta/comments-api.ts';
import { unsealToken } from '../meta/graph-api.ts';
import { GraphApiError } from '../meta/graph-client.ts';
import type { Services } from '../services.ts';
import { findCommentToModerate, markCommentDeleted, markCommentHidden } from './comments.repository.ts';

type ModerateServices = Pick<Services, 'db' | 'graph' | 'cipher'>;

interface ModerateRequest {
  workspaceId: string;
  /** Our id of the comment (its message row). */
  messageId: string;
}

type Comment = NonNullable<Awaited<ReturnType<typeof findCommentToModerate>>>;

async function findComment(
  services: ModerateServices,
  actor: Actor,
  request: ModerateRequest,
  adminsOnly: boolean,
) {
  const comment = await services.db.withUser(actor, (trx) =>
    findCommentToModerate(trx, { ...request, adminsOnly }),
  );
  if (!comment) {
    throw new AppError(
      adminsOnly ? 'FORBIDDEN' : 'NOT_FOUND',
      adminsOnly ? 'Only owners and admins delete comments' : 'Comment not found in this workspace',
    );
  }
  if (comment.deleted) throw new AppError('UNPROCESSABLE', 'This comment was deleted from Instagram.');
  return comment;
}

/** Calls Meta for the comment with its account's token; Meta's refusals become clear errors. */
async function atMeta(
  services: ModerateServices,
  comment: Comment,
  call: (connection: { loginPath: 'instagram' | 'facebook' }, token: string) => Promise<void>,
): Promise<void> {
  const connection = await services.db.withService((trx) =>
    findConnectionCredentials(trx, comment.connectionId),
  );
  if (!connection?.accessToken || connection.status !== 'CONNECTED') {
    throw new AppError('UNPROCESSABLE', 'This Instagram account must be reconnected first.', {
      reason: 'account_needs_reconnect',
    });
  }
  try {
    await call(connection, unsealToken(services.cipher, connection.id, connection.accessToken));
  } catch (error) {
    if (!(error instanceof GraphApiError)) throw error;
    if (error.isTokenInvalid) {
      await services.db.withService((trx) =>
        markNeedsReauth(trx, connection.id, `Meta rejected the access token: ${error.message}`),
      );
      throw new AppError('UNPROCESSABLE', 'Meta rejected the account’s access: reconnect it.', {
        reason: 'account_needs_reconnect',
      });
    }
    if (error.code === 100 && error.subcode === 33) {
      await services.db.withService((trx) => forgetComment(trx, comment));
      throw new AppError('UNPROCESSABLE', 'This comment no longer exists on Instagram.');
    }
    throw new AppError(
      error.isTransient ? 'UNAVAILABLE' : 'UNPROCESSABLE',
      `Instagram refused: ${error.message}`,
    );
  }
}

async function forgetComment(trx: Tx, comment: Comment): Promise<void> {
  await markCommentDeleted(trx, comment.id);
  await redactCopies(trx, comment.connectionId, { mid: comment.commentId, unsent: true, latestEdit: 0 });
  await refreshPreviewFor(
    trx,
    comment.conversationId,
    comment.occurredAt,
    previewOf({ direction: 'INBOUND', kind: 'comment', text: '', attachments: [], unsent: true }),
  );
}

export async function hideComment(
  services: ModerateServices,
  actor: Actor,
  request: ModerateRequest & { hidden: boolean },
): Promise<{ hidden: boolean }> {
  const comment = await findComment(services, actor, request, false);
  await atMeta(services, comment, (connection, token) =>
    setCommentHidden(services.graph, connection, token, comment.commentId, request.hidden),
  );
  await services.db.withService(async (trx) => {
    await markCommentHidden(trx, comment.id, request.hidden);
    await recordAudit(trx, actor.userId, {
      workspaceId: request.workspaceId,
      action: request.hidden ? 'comment.hide' : 'comment.unhide',
      target: contactRef(request.workspaceId, comment.contactId),
    });
  });
  return { hidden: request.hidden };
}

export async function deleteComment(
  services: ModerateServices,
  actor: Actor,
  request: ModerateRequest,
): Promise<{ deleted: true }> {
  const comment = await findComment(services, actor, request, true);
  await atMeta(services, comment, (connection, token) =>
    deleteAtMeta(services.graph, connection, token, comment.commentId),
  );
  await services.db.withService(async (trx) => {
    await forgetComment(trx, comment);
    await recordAudit(trx, actor.userId, {
      workspaceId: request.workspaceId,
      action: 'comment.delete',
      target: contactRef(request.workspaceId, comment.contactId),
    });
  });
  return { deleted: true };
}
