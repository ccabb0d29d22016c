// SQL for a workspace's team: its members and the invitations that let new ones in. Runs inside
// withUser(), so every query is also filtered by the row-level security policies.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { WorkspaceRole } from './workspaces.repository.ts';

export type InvitableRole = Exclude<WorkspaceRole, 'owner'>;

export interface TeamMember {
  userId: string;
  email: string;
  displayName: string | null;
  role: WorkspaceRole;
  joinedAt: string;
}

export interface PendingInvitation {
  id: string;
  role: InvitableRole;
  /** The inviter's name (or email); null once their account is gone. */
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
}

const ROLE_RANK = sql<number>`case m.role when 'owner' then 0 when 'admin' then 1 else 2 end`;

/** Owners first, then admins, then agents; each group by when they joined. */
export async function listMembers(trx: Tx, workspaceId: string): Promise<TeamMember[]> {
  const rows = await trx
    .selectFrom('workspace_members as m')
    .leftJoin('profiles as p', 'p.id', 'm.user_id')
    .select(['m.user_id', 'm.role', 'm.created_at', 'p.email', 'p.display_name'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy(ROLE_RANK)
    .orderBy('m.created_at')
    .orderBy('m.user_id')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    email: r.email ?? '',
    displayName: r.display_name,
    role: r.role,
    joinedAt: r.created_at.toISOString(),
  }));
}

function invitations(trx: Tx) {
  return trx
    .selectFrom('workspace_invitations as i')
    .leftJoin('profiles as p', 'p.id', 'i.created_by')
    .select(['i.id', 'i.role', 'i.created_at', 'i.expires_at', 'p.display_name', 'p.email']);
}

type InvitationRow = Awaited<ReturnType<ReturnType<typeof invitations>['executeTakeFirstOrThrow']>>;

function toPendingInvitation(row: InvitationRow): PendingInvitation {
  return {
    id: row.id,
    role: row.role,
    invitedBy: row.display_name ?? row.email,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
}

/** Invitations that can still be accepted, newest first. */
export async function listPendingInvitations(trx: Tx, workspaceId: string): Promise<PendingInvitation[]> {
  const rows = await invitations(trx)
    .where('i.workspace_id', '=', workspaceId)
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', sql<Date>`now()`)
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id')
    .execute();
  return rows.map(toPendingInvitation);
}

/** The database sets the expiry (7 days); RLS lets only admins insert, as themselves. */
export async function insertInvitation(
  trx: Tx,
  invitation: { workspaceId: string; role: InvitableRole; tokenHash: string; createdBy: string },
): Promise<PendingInvitation> {
  const { id } = await trx
    .insertInto('workspace_invitations')
    .values({
      workspace_id: invitation.workspaceId,
      role: invitation.role,
      token_hash: invitation.tokenHash,
      created_by: invitation.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return toPendingInvitation(await invitations(trx).where('i.id', '=', id).executeTakeFirstOrThrow());
}

export type InvitationState = 'pending' | 'accepted' | 'revoked' | 'expired';

/** Where an invitation of this workspace stands, or undefined when there is none (or it is hidden). */
export async function findInvitationState(
  trx: Tx,
  workspaceId: string,
  invitationId: string,
): Promise<InvitationState | undefined> {
  const row = await trx
    .selectFrom('workspace_invitations')
    .select(['accepted_at', 'revoked_at', 'expires_at', sql<Date>`now()`.as('now')])
    .where('id', '=', invitationId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.revoked_at) return 'revoked';
  if (row.accepted_at) return 'accepted';
  return row.expires_at <= row.now ? 'expired' : 'pending';
}

/** Revokes a pending invitation; false when nothing matched (used, revoked, or not an admin's). */
export async function revokePendingInvitation(
  trx: Tx,
  workspaceId: string,
  invitationId: string,
): Promise<boolean> {
  const result = await trx
    .updateTable('workspace_invitations')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', invitationId)
    .where('workspace_id', '=', workspaceId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function findMemberRole(
  trx: Tx,
  workspaceId: string,
  userId: string,
): Promise<WorkspaceRole | undefined> {
  const row = await trx
    .selectFrom('workspace_members')
    .select('role')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

/**
 * Serialises changes to one workspace's team until the transaction ends. The database keeps at
 * least one owner with a trigger that reads the other memberships; two owners demoting each other
 * at the same moment would each still see the other as owner, and both would pass.
 */
export async function lockTeam(trx: Tx, workspaceId: string): Promise<void> {
  await trx.selectFrom('workspaces').select('id').where('id', '=', workspaceId).forUpdate().execute();
}

export async function deleteMember(trx: Tx, workspaceId: string, userId: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('workspace_members')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function updateMemberRole(
  trx: Tx,
  workspaceId: string,
  userId: string,
  role: WorkspaceRole,
): Promise<boolean> {
  const result = await trx
    .updateTable('workspace_members')
    .set({ role })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The error private.keep_an_owner raises when a change would leave a workspace without an owner. */
export function isLastOwnerError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === '23514' &&
    (error as { message?: unknown }).message === 'a workspace must keep at least one owner'
  );
}

export interface InvitationPreviewRow {
  status: InvitationState;
  workspaceId: string | null;
  workspaceName: string | null;
  role: InvitableRole | null;
  invitedBy: string | null;
  expiresAt: Date | null;
  alreadyMember: boolean;
}

/** What an invitation offers the caller, found by its token's hash alone (see the migration). */
export async function previewInvitationByHash(
  trx: Tx,
  tokenHash: string,
): Promise<InvitationPreviewRow | undefined> {
  const { rows } = await sql<{
    status: InvitationState;
    workspace_id: string | null;
    workspace_name: string | null;
    role: InvitableRole | null;
    invited_by: string | null;
    expires_at: Date | null;
    already_member: boolean;
  }>`select * from private.invitation_preview(${tokenHash})`.execute(trx);
  const row = rows[0];
  return (
    row && {
      status: row.status,
      workspaceId: row.workspace_id,
      workspaceName: row.workspace_name,
      role: row.role,
      invitedBy: row.invited_by,
      expiresAt: row.expires_at,
      alreadyMember: row.already_member,
    }
  );
}

export type AcceptResult =
  | { outcome: 'joined' | 'already_member'; workspaceId: string }
  | { outcome: Exclude<InvitationState, 'pending'> };

/** Joins the caller to the invitation's workspace if the link is still good (see the migration). */
export async function acceptInvitationByHash(trx: Tx, tokenHash: string): Promise<AcceptResult | undefined> {
  const { rows } = await sql<{ outcome: AcceptResult['outcome']; workspace_id: string | null }>`
    select * from private.accept_invitation(${tokenHash})`.execute(trx);
  const row = rows[0];
  if (!row) return undefined;
  if (row.outcome === 'joined' || row.outcome === 'already_member') {
    return { outcome: row.outcome, workspaceId: row.workspace_id as string };
  }
  return { outcome: row.outcome };
}
