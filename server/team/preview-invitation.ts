import { hashSecretToken, SECRET_TOKEN_PATTERN } from '../crypto/secret-token.ts';
import type { Actor, Database } from '../db/database.ts';
import { INVITATION_PROBLEMS, type InvitationProblem } from './invitation-problems.ts';
import { type InvitableRole, previewInvitationByHash } from './team.repository.ts';

export type InvitationPreview =
  | {
      status: 'pending';
      workspaceId: string;
      workspaceName: string;
      role: InvitableRole;
      invitedBy: string | null;
      expiresAt: string;
    }
  /** The visitor belongs to the workspace already: accepting changes nothing, whatever the link's state. */
  | { status: 'member'; workspaceId: string; workspaceName: string }
  | { status: InvitationProblem; title: string; message: string };

/** What a link offers the signed-in visitor, before they accept it. */
export async function previewInvitation(
  db: Database,
  actor: Actor,
  token: string,
): Promise<InvitationPreview> {
  const row = SECRET_TOKEN_PATTERN.test(token)
    ? await db.withUser(actor, (trx) => previewInvitationByHash(trx, hashSecretToken(token)))
    : undefined;
  if (row?.alreadyMember && row.workspaceId && row.workspaceName) {
    return { status: 'member', workspaceId: row.workspaceId, workspaceName: row.workspaceName };
  }
  if (row?.status === 'pending' && row.workspaceId && row.workspaceName && row.role && row.expiresAt) {
    return {
      status: 'pending',
      workspaceId: row.workspaceId,
      workspaceName: row.workspaceName,
      role: row.role,
      invitedBy: row.invitedBy,
      expiresAt: row.expiresAt.toISOString(),
    };
  }
  const problem: InvitationProblem = row && row.status !== 'pending' ? row.status : 'invalid';
  return {
    status: problem,
    title: INVITATION_PROBLEMS[problem].title,
    message: INVITATION_PROBLEMS[problem].message,
  };
}
