import { hashSecretToken, newSecretToken } from '../crypto/secret-token.ts';
import type { Actor, Database } from '../db/database.ts';
import { type InvitableRole, insertInvitation, type PendingInvitation } from './team.repository.ts';
import { requireTeamManager } from './team-permissions.ts';

export interface CreatedInvitation {
  invitation: PendingInvitation;
  /** The only place the token ever appears: shown once to the admin who asked for it. */
  url: string;
}

/** An owner or admin makes a single-use link that lets one person join with `role` (7 days). */
export async function inviteTeammate(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; role: InvitableRole; appUrl: string },
): Promise<CreatedInvitation> {
  const token = newSecretToken();
  const invitation = await db.withUser(actor, async (trx) => {
    await requireTeamManager(trx, request.workspaceId, actor.userId);
    return insertInvitation(trx, {
      workspaceId: request.workspaceId,
      role: request.role,
      tokenHash: hashSecretToken(token),
      createdBy: actor.userId,
    });
  });
  return { invitation, url: new URL(`/invite/${token}`, request.appUrl).toString() };
}
