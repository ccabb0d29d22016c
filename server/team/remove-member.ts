import { recordOwnAudit } from '../audit/index.ts';
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { explainingLastOwner } from './last-owner.ts';
import { deleteMember, findMemberRole, lockTeam } from './team.repository.ts';
import { assertMayChangeMember, requireTeamManager } from './team-permissions.ts';
import { findProfile } from './workspaces.repository.ts';

/** An owner or admin removes someone from the workspace; they lose access at once. */
export async function removeMember(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; userId: string },
): Promise<void> {
  await explainingLastOwner(() =>
    db.withUser(actor, async (trx) => {
      await lockTeam(trx, request.workspaceId);
      const managerRole = await requireTeamManager(trx, request.workspaceId, actor.userId);
      const memberRole = await findMemberRole(trx, request.workspaceId, request.userId);
      if (!memberRole) throw new AppError('NOT_FOUND', 'This person is not a member of the workspace');
      assertMayChangeMember(managerRole, memberRole);
      // Named before they go: once removed, their profile is no longer the team's to read.
      const target = (await findProfile(trx, request.userId))?.email ?? request.userId;
      await recordOwnAudit(trx, {
        workspaceId: request.workspaceId,
        action: 'member.remove',
        target,
        detail: { role: memberRole },
      });
      if (!(await deleteMember(trx, request.workspaceId, request.userId))) {
        throw new AppError('FORBIDDEN', 'You cannot remove this member');
      }
    }),
  );
}
