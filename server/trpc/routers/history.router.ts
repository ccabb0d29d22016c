import { z } from 'zod';
import {
  HistoryImportSchema,
  listHistoryImports,
  StartHistoryImportInput,
  startHistoryImport,
} from '../../history/index.ts';
import { router, workspaceAdminProcedure, workspaceProcedure } from '../init.ts';

export const historyRouter = router({
  /** Each account's latest backfill and reconciliation: found so far, progress, estimate, errors. */
  imports: workspaceProcedure
    .output(z.array(HistoryImportSchema))
    .query(({ ctx }) => listHistoryImports(ctx.db, ctx.actor, ctx.workspace.id)),
  /** Imports an account's past conversations (admins); finds the running import if there is one. */
  start: workspaceAdminProcedure
    .input(StartHistoryImportInput)
    .output(z.object({ importId: z.uuid(), started: z.boolean() }))
    .mutation(({ ctx, input }) =>
      startHistoryImport(ctx.services, {
        workspaceId: ctx.workspace.id,
        connectionId: input.connectionId,
        kind: 'BACKFILL',
        days: input.days,
        requestedBy: ctx.actor.userId,
      }),
    ),
  /**
   * Looks for messages whose webhooks never came, and checks Meta still sends the account's
   * webhooks (admins; also hourly and whenever a worker starts).
   */
  reconcile: workspaceAdminProcedure
    .input(z.object({ connectionId: z.uuid() }))
    .output(z.object({ importId: z.uuid(), started: z.boolean() }))
    .mutation(({ ctx, input }) =>
      startHistoryImport(ctx.services, {
        workspaceId: ctx.workspace.id,
        connectionId: input.connectionId,
        kind: 'RECONCILE',
        requestedBy: ctx.actor.userId,
      }),
    ),
});
