import { z } from 'zod';
import { listConversations } from '../../inbox/list-conversations.ts';
import { markConversationRead } from '../../inbox/mark-conversation-read.ts';
import { router, workspaceProcedure } from '../init.ts';
import { ConversationListSchema, ListConversationsInput } from './inbox.schemas.ts';

export const inboxRouter = router({
  /** A workspace's conversations, most recent first, `limit` at a time. */
  listConversations: workspaceProcedure
    .input(ListConversationsInput)
    .output(ConversationListSchema)
    .query(({ ctx, input }) =>
      listConversations(ctx.db, ctx.actor, { ...input, workspaceId: ctx.workspace.id }),
    ),
  /** Clears the unread count; sends Instagram's seen mark when the workspace allows it. */
  markRead: workspaceProcedure
    .input(z.object({ conversationId: z.uuid() }))
    .output(z.object({ seenSent: z.boolean() }))
    .mutation(({ ctx, input }) =>
      markConversationRead({ db: ctx.db, enqueueSenderAction: ctx.runtime.enqueueSenderAction }, ctx.actor, {
        workspaceId: ctx.workspace.id,
        conversationId: input.conversationId,
      }),
    ),
});
