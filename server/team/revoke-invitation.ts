import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { findInvitationState, revokePendingInvitation } from './team.repository.ts';
import { requireTeamManager } from './team-permissions.ts';

/** Withdraws a link nobody has used yet; revoking it again changes nothing. */
export async function revokeInvitation(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; invitationId: string },
): Promise<void> {
  await db.withUser(actor, async (trx) => {
    await requireTeamManager(trx, request.workspaceId, actor.userId);
    if (await revokePendingInvitation(trx, request.workspaceId, request.invitationId)) return;
    const state = await findInvitationState(trx, request.workspaceId, request.invitationId);
    if (state === 'revoked') return;
    if (state === 'accepted') {
      throw new AppError(
        'CONFLICT',
        'This invitation has already been used. Remove the member instead if they should not be here.',
      );
    }
    throw new AppError('NOT_FOUND', 'Invitation not found in this workspace');
  });
}
