import { hashSecretToken, SECRET_TOKEN_PATTERN } from '../crypto/secret-token.ts';
import type { Actor, Database } from '../db/database.ts';
import { invitationError } from './invitation-problems.ts';
import { acceptInvitationByHash } from './team.repository.ts';

/**
 * The signed-in visitor joins the workspace a link invites them to. Idempotent for someone who is
 * a member already; a used, revoked, expired or unknown link is refused and changes nothing.
 */
export async function acceptInvitation(
  db: Database,
  actor: Actor,
  token: string,
): Promise<{ workspaceId: string; joined: boolean }> {
  const result = SECRET_TOKEN_PATTERN.test(token)
    ? await db.withUser(actor, (trx) => acceptInvitationByHash(trx, hashSecretToken(token)))
    : undefined;
  if (!result) throw invitationError('invalid');
  if (result.outcome === 'joined' || result.outcome === 'already_member') {
    return { workspaceId: result.workspaceId, joined: result.outcome === 'joined' };
  }
  throw invitationError(result.outcome);
}
