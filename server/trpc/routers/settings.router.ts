import { z } from 'zod';
import { findSendSettings, type SendSettings, updateWorkspaceSendSettings } from '../../team/index.ts';
import { router, workspaceAdminProcedure, workspaceProcedure } from '../init.ts';

const SendSettingsSchema = z.object({
  humanAgentEnabled: z.boolean(),
  reactionsEnabled: z.boolean(),
  seenEnabled: z.boolean(),
  typingEnabled: z.boolean(),
});

export const settingsRouter = router({
  /** What the workspace sends to customers besides replies. */
  send: workspaceProcedure
    .output(SendSettingsSchema)
    .query(
      async ({ ctx }) =>
        (await ctx.db.withUser(ctx.actor, (trx) => findSendSettings(trx, ctx.workspace.id))) as SendSettings,
    ),
  updateSend: workspaceAdminProcedure
    .input(SendSettingsSchema.partial())
    .output(SendSettingsSchema)
    .mutation(({ ctx, input }) => {
      const { workspaceId: _workspaceId, ...changes } = input;
      return updateWorkspaceSendSettings(ctx.db, ctx.actor, { workspaceId: ctx.workspace.id, changes });
    }),
});
