import { z } from 'zod';
import { runWebhookSelfTest, WebhookSelfTestSchema } from '../../health/index.ts';
import { replayWorkspaceDeliveries } from '../../ingest/index.ts';
import { router, workspaceAdminProcedure } from '../init.ts';

export const webhooksRouter = router({
  /** Runs the workspace's failed webhook deliveries through ingest again (admins). */
  replayFailed: workspaceAdminProcedure
    .output(z.object({ replayed: z.number().int() }))
    .mutation(async ({ ctx }) => ({
      replayed: await replayWorkspaceDeliveries(ctx.services, ctx.actor, ctx.workspace.id),
    })),
  /**
   * Plays Meta against the app's own public webhook URL and reports each check (admins: it
   * writes to the ledger and asks Meta about the workspace's accounts with their tokens).
   */
  runSelfTest: workspaceAdminProcedure
    .output(WebhookSelfTestSchema)
    .mutation(({ ctx }) => runWebhookSelfTest(ctx.services, ctx.actor, ctx.workspace.id)),
});
