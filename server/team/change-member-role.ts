import { recordOwnAudit } from '../audit/index.ts';
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { explainingLastOwner } from './last-owner.ts';
import { findMemberRole, lockTeam, updateMemberRole } from './team.repository.ts';
import { assertMayChangeMember, requireTeamManager } from './team-permissions.ts';
import { findProfile, type WorkspaceRole } from './workspaces.repository.ts';

/** An owner or admin gives a member another role; returns the role the member now has. */
export async function changeMemberRole(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; userId: string; role: WorkspaceRole },
): Promise<WorkspaceRole> {
  return explainingLastOwner(() =>
    db.withUser(actor, async (trx) => {
      await lockTeam(trx, request.workspaceId);
      const managerRole = await requireTeamManager(trx, request.workspaceId, actor.userId);
      const memberRole = await findMemberRole(trx, request.workspaceId, request.userId);
      if (!memberRole) throw new AppError('NOT_FOUND', 'This person is not a member of the workspace');
      if (memberRole === request.role) return memberRole;
      assertMayChangeMember(managerRole, memberRole, request.role);
      if (!(await updateMemberRole(trx, request.workspaceId, request.userId, request.role))) {
        throw new AppError('FORBIDDEN', "You cannot change this member's role");
      }
      await recordOwnAudit(trx, {
        workspaceId: request.workspaceId,
        action: 'member.role_change',
        target: (await findProfile(trx, request.userId))?.email ?? request.userId,
        detail: { from: memberRole, to: request.role },
      });
      return request.role;
    }),
  );
}
