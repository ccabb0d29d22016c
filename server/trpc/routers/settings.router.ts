import { z } from 'zod';
import {
  AccountInput,
  HeldProfileSchema,
  MessengerProfileSchema,
  publishAccountProfile,
  readAccountProfile,
  StoredProfileSchema,
} from '../../messenger-profile/index.ts';
import { RetentionPolicySchema, RetentionSettingsSchema, readRetention } from '../../retention/index.ts';
import {
  findSendSettings,
  type SendSettings,
  updateWorkspaceRetention,
  updateWorkspaceSendSettings,
} from '../../team/index.ts';
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
  /** Turns Human Agent replies, reactions, seen receipts and typing on or off (owners and admins). */
  updateSend: workspaceAdminProcedure
    .input(SendSettingsSchema.partial())
    .output(SendSettingsSchema)
    .mutation(({ ctx, input }) => {
      const { workspaceId: _workspaceId, ...changes } = input;
      return updateWorkspaceSendSettings(ctx.db, ctx.actor, { workspaceId: ctx.workspace.id, changes });
    }),
  /** How long messages and raw webhook deliveries are kept, and what the daily purge last removed. */
  retention: workspaceProcedure
    .output(RetentionSettingsSchema)
    .query(({ ctx }) => readRetention(ctx.db, ctx.actor, ctx.workspace.id)),
  /** Sets how long messages (`null`: forever) and raw deliveries are kept (owners and admins). */
  updateRetention: workspaceAdminProcedure
    .input(RetentionPolicySchema.partial())
    .output(RetentionPolicySchema)
    .mutation(({ ctx, input }) => {
      const { workspaceId: _workspaceId, ...policy } = input;
      return updateWorkspaceRetention(ctx.db, ctx.actor, { workspaceId: ctx.workspace.id, policy });
    }),
  /** An account's ice breakers and persistent menu as Meta holds them now (or why they could not be read). */
  messengerProfile: workspaceProcedure
    .input(AccountInput)
    .output(HeldProfileSchema)
    .query(({ ctx, input }) =>
      readAccountProfile(ctx.services, ctx.actor, {
        workspaceId: ctx.workspace.id,
        accountId: input.accountId,
      }),
    ),
  /** Publishes an account's ice breakers and menu to Meta (owners and admins); what Meta then holds. */
  publishMessengerProfile: workspaceAdminProcedure
    .input(AccountInput.extend({ profile: MessengerProfileSchema }))
    .output(StoredProfileSchema)
    .mutation(({ ctx, input }) =>
      publishAccountProfile(ctx.services, ctx.actor, {
        workspaceId: ctx.workspace.id,
        accountId: input.accountId,
        profile: input.profile,
      }),
    ),
});
