import { z } from 'zod';
import { disconnectAccount, listAccountStatuses } from '../../accounts/index.ts';
import { router, workspaceAdminProcedure, workspaceProcedure } from '../init.ts';

const AccountStatusSchema = z.object({
  id: z.uuid(),
  accountName: z.string().nullable(),
  accountId: z.string(),
  profileName: z.string().nullable(),
  profilePictureUrl: z.string().nullable(),
  loginPath: z.enum(['instagram', 'facebook']),
  status: z.enum(['CONNECTED', 'NEEDS_REAUTH', 'DISCONNECTED']),
  needsReauthReason: z.string().nullable(),
  tokenExpiresAt: z.iso.datetime().nullable(),
  tokenExpiresInDays: z.number().int().nullable(),
  webhookFields: z.array(z.string()),
  webhookSubscribedAt: z.iso.datetime().nullable(),
  lastEventAt: z.iso.datetime().nullable(),
  connectedAt: z.iso.datetime(),
  disconnectedAt: z.iso.datetime().nullable(),
});

export const accountsRouter = router({
  /** The workspace's Instagram accounts and their health. */
  list: workspaceProcedure
    .output(z.array(AccountStatusSchema))
    .query(({ ctx }) => ctx.db.withUser(ctx.actor, (trx) => listAccountStatuses(trx, ctx.workspace.id))),
  /** Stops an account: unsubscribes it, wipes its tokens, keeps or deletes its history (admins). */
  disconnect: workspaceAdminProcedure
    .input(z.object({ connectionId: z.uuid(), deleteHistory: z.boolean().default(false) }))
    .output(z.object({ unsubscribed: z.boolean(), deleted: z.record(z.string(), z.number()).nullable() }))
    .mutation(({ ctx, input }) =>
      disconnectAccount(ctx.services, ctx.actor, {
        workspaceId: ctx.workspace.id,
        connectionId: input.connectionId,
        deleteHistory: input.deleteHistory,
      }),
    ),
});
