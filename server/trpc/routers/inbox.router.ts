import { z } from 'zod';
import {
  ConversationListSchema,
  ConversationStatusSchema,
  ConversationViewSchema,
  ListConversationsInput,
  listConversations,
  readConversation,
  updateConversation,
} from '../../conversations/index.ts';
import { markConversationRead } from '../../sending/index.ts';
import { router, workspaceProcedure } from '../init.ts';

export const inboxRouter = router({
  /** A workspace's conversations, most recent first, `limit` at a time. */
  listConversations: workspaceProcedure
    .input(
      ListConversationsInput.refine((input) => !(input.ids && input.cursor), {
        message: 'Give ids or a cursor, not both',
        path: ['ids'],
      }),
    )
    .output(ConversationListSchema)
    .query(({ ctx, input }) =>
      listConversations(ctx.db, ctx.actor, {
        workspaceId: ctx.workspace.id,
        status: input.status,
        cursor: input.cursor,
        limit: input.limit,
        filters: {
          accountId: input.accountId,
          unreadOnly: input.unreadOnly,
          assignedToMe: input.assignedToMe,
          holds: input.holds,
          search: input.search,
          ids: input.ids,
        },
      }),
    ),
  /** One conversation's thread (newest first, `limit` at a time) and its messaging window. */
  conversation: workspaceProcedure
    .input(
      z.object({
        conversationId: z.uuid(),
        cursor: z.string().max(200).nullish(),
        limit: z.number().int().min(1).max(100).default(50),
      }),
    )
    .output(ConversationViewSchema)
    .query(({ ctx, input }) =>
      readConversation(ctx.db, ctx.actor, {
        workspaceId: ctx.workspace.id,
        conversationId: input.conversationId,
        cursor: input.cursor ?? null,
        limit: input.limit,
      }),
    ),
  /** Archives or reopens the conversation; assigns it to a member, or unassigns it (`null`). */
  update: workspaceProcedure
    .input(
      z.object({
        conversationId: z.uuid(),
        status: ConversationStatusSchema.optional(),
        assignedTo: z.uuid().nullable().optional(),
      }),
    )
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await updateConversation(ctx.db, ctx.actor, {
        workspaceId: ctx.workspace.id,
        conversationId: input.conversationId,
        status: input.status,
        assignedTo: input.assignedTo,
      });
      return { ok: true as const };
    }),
  /** Clears the unread count; sends Instagram's seen mark when the workspace allows it. */
  markRead: workspaceProcedure
    .input(z.object({ conversationId: z.uuid() }))
    .output(z.object({ seenSent: z.boolean() }))
    .mutation(({ ctx, input }) =>
      markConversationRead(ctx.services, ctx.actor, {
        workspaceId: ctx.workspace.id,
        conversationId: input.conversationId,
      }),
    ),
});
