import { LeadListSchema, ListLeadsInput, listLeads } from '../../leads/index.ts';
import { router, workspaceProcedure } from '../init.ts';

export const leadsRouter = router({
  /** The workspace's leads, newest first, `limit` at a time; by source, and searched by contact. */
  list: workspaceProcedure
    .input(ListLeadsInput)
    .output(LeadListSchema)
    .query(({ ctx, input }) =>
      listLeads(ctx.db, ctx.actor, {
        workspaceId: ctx.workspace.id,
        source: input.source,
        search: input.search,
        cursor: input.cursor,
        limit: input.limit,
      }),
    ),
});
