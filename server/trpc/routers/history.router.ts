import { z } from 'zod';
import {
  HistoryImportSchema,
  listHistoryImports,
  StartHistoryImportInput,
  startHistoryImport,
} from '../../history/index.ts';
import { router, workspaceAdminProcedure, workspaceProcedure } from '../init.ts';

export const historyRouter = router({
  /** Each account's latest history import: found so far, progress, estimate, errors. */
  imports: workspaceProcedure
    .output(z.array(HistoryImportSchema))
    .query(({ ctx }) => ctx.db.withUser(ctx.actor, (trx) => listHistoryImports(trx, ctx.workspace.id))),
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
});
