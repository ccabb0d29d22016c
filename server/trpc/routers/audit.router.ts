import { AuditPageInput, AuditPageSchema, listAudit } from '../../audit/index.ts';
import { router, workspaceAdminProcedure } from '../init.ts';

export const auditRouter = router({
  /** What owners, admins and the server did to the workspace, newest first (owners and admins). */
  list: workspaceAdminProcedure
    .input(AuditPageInput)
    .output(AuditPageSchema)
    .query(({ ctx, input }) =>
      listAudit(ctx.db, ctx.actor, {
        workspaceId: ctx.workspace.id,
        before: input.cursor ?? null,
        limit: input.limit,
      }),
    ),
});
