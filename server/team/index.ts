// The team slice: Workspaces, members, invitations and workspace settings.
// Other code imports only this file (see docs/architecture.md).
export { acceptInvitation } from './accept-invitation.ts';
export { changeMemberRole } from './change-member-role.ts';
export { createWorkspace } from './create-workspace.ts';
export { getOperator } from './get-operator.ts';
export { inviteTeammate } from './invite-teammate.ts';
export { listTeam } from './list-team.ts';
export { CreateWorkspaceInput, OperatorSchema, WorkspaceSchema } from './operator.schemas.ts';
export type { InvitationPreview } from './preview-invitation.ts';
export { previewInvitation } from './preview-invitation.ts';
export { removeMember } from './remove-member.ts';
export { revokeInvitation } from './revoke-invitation.ts';
export {
  CreatedInvitationSchema,
  InvitableRoleSchema,
  InvitationPreviewSchema,
  InvitationTokenInput,
  RoleSchema,
  TeamSchema,
} from './team.schemas.ts';
export { updateWorkspaceRetention } from './update-retention.ts';
export { updateWorkspaceSendSettings } from './update-send-settings.ts';
export { checkWorkspaceAccess } from './workspace-access.ts';
export type { RetentionPolicy, SendSettings } from './workspaces.repository.ts';
export {
  findMembership,
  findProfile,
  findRetentionPolicy,
  findSendSettings,
  listMemberships,
  listRetentionPolicies,
  updateRetentionPolicy,
} from './workspaces.repository.ts';
