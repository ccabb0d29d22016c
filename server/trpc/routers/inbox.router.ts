import { listConversations } from '../../inbox/list-conversations.ts';
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
});
