import { z } from 'zod';
import { replayWorkspaceWebhooks } from '../../inbox/replay-workspace-webhooks.ts';
import { router, workspaceAdminProcedure } from '../init.ts';

export const webhooksRouter = router({
  /** Runs the workspace's failed webhook deliveries through ingest again (admins). */
  replayFailed: workspaceAdminProcedure
    .output(z.object({ replayed: z.number().int() }))
    .mutation(async ({ ctx }) => ({
      replayed: await replayWorkspaceWebhooks(ctx.db, ctx.runtime.enqueueIngest, ctx.actor, ctx.workspace.id),
    })),
});
