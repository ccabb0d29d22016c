import { z } from 'zod';
import { deleteComment, hideComment } from '../../comments/index.ts';
import {
  IdempotencyKeySchema,
  OutboundMessageSchema,
  queueCommentReply,
  toOutboundDto,
} from '../../sending/index.ts';
import { router, workspaceAdminProcedure, workspaceProcedure } from '../init.ts';

const ReplyInput = z.object({
  /** The comment's id in the thread (its message id). */
  messageId: z.uuid(),
  text: z.string().max(5000),
  idempotencyKey: IdempotencyKeySchema,
});

export const commentsRouter = router({
  /** Answers a customer's comment in public, under the post; it goes out like any reply. */
  replyPublicly: workspaceProcedure
    .input(ReplyInput)
    .output(OutboundMessageSchema)
    .mutation(async ({ ctx, input }) =>
      toOutboundDto(
        await queueCommentReply(ctx.services, ctx.actor, {
          workspaceId: ctx.workspace.id,
          commentMessageId: input.messageId,
          text: input.text,
          idempotencyKey: input.idempotencyKey,
          privately: false,
        }),
      ),
    ),
  /**
   * Answers a customer's comment in their DMs: once per comment, within 7 days of it, needing no
   * open conversation (and opening none). A second private reply is refused (CONFLICT).
   */
  replyPrivately: workspaceProcedure
    .input(ReplyInput)
    .output(OutboundMessageSchema)
    .mutation(async ({ ctx, input }) =>
      toOutboundDto(
        await queueCommentReply(ctx.services, ctx.actor, {
          workspaceId: ctx.workspace.id,
          commentMessageId: input.messageId,
          text: input.text,
          idempotencyKey: input.idempotencyKey,
          privately: true,
        }),
      ),
    ),
  /** Hides a comment from the post (its author still sees it), or shows it again. */
  hide: workspaceProcedure
    .input(z.object({ messageId: z.uuid(), hidden: z.boolean() }))
    .output(z.object({ hidden: z.boolean() }))
    .mutation(({ ctx, input }) =>
      hideComment(ctx.services, ctx.actor, {
        workspaceId: ctx.workspace.id,
        messageId: input.messageId,
        hidden: input.hidden,
      }),
    ),
  /** Deletes a comment from the post, for everyone (owners and admins). */
  delete: workspaceAdminProcedure
    .input(z.object({ messageId: z.uuid() }))
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(({ ctx, input }) =>
      deleteComment(ctx.services, ctx.actor, { workspaceId: ctx.workspace.id, messageId: input.messageId }),
    ),
});
