import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import {
  findMemberRole,
  listMembers,
  listPendingInvitations,
  type PendingInvitation,
  type TeamMember,
} from './team.repository.ts';
import type { WorkspaceRole } from './workspaces.repository.ts';

export interface Team {
  members: (TeamMember & { isYou: boolean })[];
  /** Links not yet used, revoked or expired; never their tokens (only hashes are kept). */
  invitations: PendingInvitation[];
  yourRole: WorkspaceRole;
}

/** A workspace's members and pending invitations, as any member sees them. */
export async function listTeam(db: Database, actor: Actor, workspaceId: string): Promise<Team> {
  return db.withUser(actor, async (trx) => {
    const yourRole = await findMemberRole(trx, workspaceId, actor.userId);
    if (!yourRole) throw new AppError('NOT_FOUND', 'Workspace not found');
    const [members, invitations] = await Promise.all([
      listMembers(trx, workspaceId),
      listPendingInvitations(trx, workspaceId),
    ]);
    return {
      members: members.map((member) => ({ ...member, isYou: member.userId === actor.userId })),
      invitations,
      yourRole,
    };
  });
}
