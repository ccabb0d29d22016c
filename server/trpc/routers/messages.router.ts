import { z } from 'zod';
import { MessageViewSchema, readMessages } from '../../conversations/index.ts';
import {
  OutboundMessageSchema,
  queueOutboundMessage,
  reactToMessage,
  resolveUncertainMessage,
  retryOutboundMessage,
  SendMessageInput,
  signalTyping,
  toOutboundDto,
} from '../../sending/index.ts';
import { router, workspaceProcedure } from '../init.ts';

export const messagesRouter = router({
  /**
   * Messages by id (up to 100, any conversations of the workspace), as the thread shows them and
   * with their conversation: what a live event or `sync.changes` named. `missing` lists the ids the
   * workspace does not hold (any more: purged by retention, the contact erased).
   */
  byIds: workspaceProcedure
    .input(z.object({ messageIds: z.array(z.uuid()).min(1).max(100) }))
    .output(z.object({ messages: z.array(MessageViewSchema), missing: z.array(z.uuid()) }))
    .query(({ ctx, input }) =>
      readMessages(ctx.db, ctx.actor, { workspaceId: ctx.workspace.id, ids: input.messageIds }),
    ),
  /**
   * Queues a reply typed by the operator; it goes out in the background and every state change
   * arrives over Realtime. Text and attachment together make two messages (two Send API calls).
   */
  send: workspaceProcedure
    .input(SendMessageInput)
    .output(z.array(OutboundMessageSchema))
    .mutation(async ({ ctx, input }) => {
      const parts = await queueOutboundMessage(ctx.services, ctx.actor, {
        ...input,
        workspaceId: ctx.workspace.id,
        sentByHuman: true,
      });
      return parts.map(toOutboundDto);
    }),
  /** Sends a FAILED message again (after Meta refused it, or after the operator judged an uncertain one undelivered). */
  retry: workspaceProcedure
    .input(z.object({ messageId: z.uuid() }))
    .output(OutboundMessageSchema)
    .mutation(async ({ ctx, input }) =>
      toOutboundDto(
        await retryOutboundMessage(ctx.services, ctx.actor, {
          workspaceId: ctx.workspace.id,
          messageId: input.messageId,
        }),
      ),
    ),
  /** The operator's verdict on an UNCERTAIN message, after checking the thread in Instagram. */
  resolveUncertain: workspaceProcedure
    .input(z.object({ messageId: z.uuid(), delivered: z.boolean() }))
    .output(OutboundMessageSchema)
    .mutation(async ({ ctx, input }) =>
      toOutboundDto(
        await resolveUncertainMessage(ctx.db, ctx.actor, {
          workspaceId: ctx.workspace.id,
          messageId: input.messageId,
          delivered: input.delivered,
        }),
      ),
    ),
  /** Reacts to a customer's message with an emoji, or takes the reaction back (`null`). Opt-in per workspace. */
  react: workspaceProcedure
    .input(z.object({ messageId: z.uuid(), reaction: z.string().min(1).max(16).nullable() }))
    .output(z.object({ reaction: z.string().nullable() }))
    .mutation(({ ctx, input }) =>
      reactToMessage(ctx.services, ctx.actor, {
        ...input,
        workspaceId: ctx.workspace.id,
      }),
    ),
  /** The operator started or stopped typing; shown to the customer when the workspace allows it. */
  typing: workspaceProcedure
    .input(z.object({ conversationId: z.uuid(), typing: z.boolean() }))
    .output(z.object({ sent: z.boolean() }))
    .mutation(({ ctx, input }) =>
      signalTyping(ctx.services, ctx.actor, {
        ...input,
        workspaceId: ctx.workspace.id,
      }),
    ),
});
