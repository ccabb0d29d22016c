import { z } from 'zod';
import {
  acceptInvitation,
  CreatedInvitationSchema,
  changeMemberRole,
  InvitableRoleSchema,
  InvitationPreviewSchema,
  InvitationTokenInput,
  inviteTeammate,
  listTeam,
  previewInvitation,
  RoleSchema,
  removeMember,
  revokeInvitation,
  TeamSchema,
} from '../../team/index.ts';
import { operatorProcedure, router, workspaceAdminProcedure, workspaceProcedure } from '../init.ts';

export const teamRouter = router({
  /** Members and pending invitations (any member; agents read only). */
  members: workspaceProcedure
    .output(TeamSchema)
    .query(({ ctx }) => listTeam(ctx.db, ctx.actor, ctx.workspace.id)),
  /** A single-use link for one teammate, valid 7 days; its URL is returned this once only. */
  invite: workspaceAdminProcedure
    .input(z.object({ role: InvitableRoleSchema }))
    .output(CreatedInvitationSchema)
    .mutation(({ ctx, input }) =>
      inviteTeammate(ctx.db, ctx.actor, {
        workspaceId: ctx.workspace.id,
        role: input.role,
        appUrl: ctx.services.env.APP_URL,
      }),
    ),
  /** Withdraws an invitation that has not been used yet (owners and admins). */
  revokeInvitation: workspaceAdminProcedure
    .input(z.object({ invitationId: z.uuid() }))
    .output(z.object({ revoked: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await revokeInvitation(ctx.db, ctx.actor, {
        workspaceId: ctx.workspace.id,
        invitationId: input.invitationId,
      });
      return { revoked: true as const };
    }),
  /** Takes a member out of the workspace (owners and admins; an owner only by an owner, never the last). */
  removeMember: workspaceAdminProcedure
    .input(z.object({ userId: z.uuid() }))
    .output(z.object({ removed: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx.db, ctx.actor, { workspaceId: ctx.workspace.id, userId: input.userId });
      return { removed: true as const };
    }),
  /** Makes a member an owner, admin or agent (owners and admins; owners only by an owner). */
  changeRole: workspaceAdminProcedure
    .input(z.object({ userId: z.uuid(), role: RoleSchema }))
    .output(z.object({ userId: z.uuid(), role: RoleSchema }))
    .mutation(async ({ ctx, input }) => ({
      userId: input.userId,
      role: await changeMemberRole(ctx.db, ctx.actor, {
        workspaceId: ctx.workspace.id,
        userId: input.userId,
        role: input.role,
      }),
    })),
  /** What an invitation link offers the signed-in visitor (who is usually not a member yet). */
  invitation: operatorProcedure
    .input(InvitationTokenInput)
    .output(InvitationPreviewSchema)
    .query(({ ctx, input }) => previewInvitation(ctx.db, ctx.actor, input.token)),
  /** Joins the workspace an invitation link is for, with its role; once per link. */
  acceptInvitation: operatorProcedure
    .input(InvitationTokenInput)
    .output(z.object({ workspaceId: z.uuid(), joined: z.boolean() }))
    .mutation(({ ctx, input }) => acceptInvitation(ctx.db, ctx.actor, input.token)),
});
