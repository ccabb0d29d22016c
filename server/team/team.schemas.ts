import { z } from 'zod';

export const RoleSchema = z.enum(['owner', 'admin', 'agent']);
/** Invitation links make admins or agents; owners are made by promotion. */
export const InvitableRoleSchema = z.enum(['admin', 'agent']);

export const TeamMemberSchema = z.object({
  userId: z.uuid(),
  email: z.string(),
  displayName: z.string().nullable(),
  role: RoleSchema,
  joinedAt: z.iso.datetime(),
  isYou: z.boolean(),
});

export const PendingInvitationSchema = z.object({
  id: z.uuid(),
  role: InvitableRoleSchema,
  invitedBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});

export const TeamSchema = z.object({
  members: z.array(TeamMemberSchema),
  invitations: z.array(PendingInvitationSchema),
  yourRole: RoleSchema,
});

export const CreatedInvitationSchema = z.object({
  invitation: PendingInvitationSchema,
  /** Contains the token: returned once, here, and nowhere else. */
  url: z.url(),
});

/** Any string: a malformed token is answered like an unknown one, with the same clear message. */
export const InvitationTokenInput = z.object({ token: z.string().max(200) });

const ProblemStatus = z.enum(['invalid', 'accepted', 'revoked', 'expired']);

export const InvitationPreviewSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('pending'),
    workspaceId: z.uuid(),
    workspaceName: z.string(),
    role: InvitableRoleSchema,
    invitedBy: z.string().nullable(),
    expiresAt: z.iso.datetime(),
  }),
  z.object({ status: z.literal('member'), workspaceId: z.uuid(), workspaceName: z.string() }),
  z.object({ status: ProblemStatus, title: z.string(), message: z.string() }),
]);
