import { SyncChangesInput, SyncChangesSchema, syncChanges } from '../../sync/index.ts';
import { router, workspaceProcedure } from '../init.ts';

export const syncRouter = router({
  /**
   * What changed since `since` (a live event id, or the previous call's `next`): the conversations
   * and messages created or changed, in their state now; those deleted; which other screens to
   * refetch. For an app back from offline: apply, then call again with `next` while `hasMore`, then
   * resume `live.events` from `next`. `resyncRequired` when `since` is older than the log keeps
   * (7 days) or null: refetch what you show, and go on from `next`.
   */
  changes: workspaceProcedure
    .input(SyncChangesInput)
    .output(SyncChangesSchema)
    .query(({ ctx, input }) =>
      syncChanges(ctx.db, ctx.actor, {
        workspaceId: ctx.workspace.id,
        since: input.since,
        limit: input.limit,
      }),
    ),
});
