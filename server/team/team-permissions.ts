// Who may change a team: owners and admins; only owners touch an owner's membership or make
// someone an owner. The database enforces the same rules (RLS); checking first turns a refusal
// into a reason the operator can read.
import type { Tx } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { findMemberRole } from './team.repository.ts';
import type { WorkspaceRole } from './workspaces.repository.ts';

/** The caller's role in the workspace, if it lets them manage the team. */
export async function requireTeamManager(
  trx: Tx,
  workspaceId: string,
  userId: string,
): Promise<WorkspaceRole> {
  const role = await findMemberRole(trx, workspaceId, userId);
  if (!role) throw new AppError('NOT_FOUND', 'Workspace not found');
  if (role === 'agent')
    throw new AppError('FORBIDDEN', 'Only workspace owners and admins can manage the team');
  return role;
}

/** Refuses an admin's change to an owner, or an admin making someone an owner. */
export function assertMayChangeMember(
  managerRole: WorkspaceRole,
  memberRole: WorkspaceRole,
  newRole?: WorkspaceRole,
): void {
  if (managerRole === 'owner') return;
  if (memberRole === 'owner') throw new AppError('FORBIDDEN', 'Only an owner can change or remove an owner');
  if (newRole === 'owner') throw new AppError('FORBIDDEN', 'Only an owner can make someone an owner');
}
