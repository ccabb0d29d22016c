// What GET /api/instagram/status reports: the seed's `{connected, accountName, accountId}` for the
// workspace's first live account, plus every account with its health. Read as the operator
// (RLS), and never a token.
import type { Actor, Database, Tx } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { LoginPath } from '../meta/graph-client.ts';
import { webUrl } from '../meta/web-url.ts';
import { listMemberships } from '../team/index.ts';
import { listWorkspaceConnections } from './connections.repository.ts';

export interface AccountStatus {
  id: string;
  accountName: string | null;
  accountId: string;
  /** The profile's display name and picture as Meta gave them when it was (re)connected (http(s) only). */
  profileName: string | null;
  profilePictureUrl: string | null;
  loginPath: LoginPath;
  status: 'CONNECTED' | 'NEEDS_REAUTH' | 'DISCONNECTED';
  needsReauthReason: string | null;
  tokenExpiresAt: string | null;
  /** Whole days left before the token expires (negative once expired). */
  tokenExpiresInDays: number | null;
  webhookFields: string[];
  webhookSubscribedAt: string | null;
  lastEventAt: string | null;
  connectedAt: string;
  disconnectedAt: string | null;
}

export interface ConnectionStatus {
  connected: boolean;
  accountName: string | null;
  accountId: string | null;
  workspaceId: string;
  accounts: AccountStatus[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The workspace's accounts with their health (under the caller's RLS). */
export async function listAccountStatuses(
  trx: Tx,
  workspaceId: string,
  now = new Date(),
): Promise<AccountStatus[]> {
  const rows = await listWorkspaceConnections(trx, workspaceId);
  return rows.map((r) => ({
    id: r.id,
    accountName: r.display_name,
    accountId: r.channel_identifier,
    profileName: r.profile_name,
    profilePictureUrl: webUrl(r.profile_picture_url),
    loginPath: r.login_path,
    status: r.status,
    needsReauthReason: r.needs_reauth_reason,
    tokenExpiresAt: r.token_expires_at?.toISOString() ?? null,
    tokenExpiresInDays: r.token_expires_at
      ? Math.floor((r.token_expires_at.getTime() - now.getTime()) / DAY_MS)
      : null,
    webhookFields: r.webhook_fields,
    webhookSubscribedAt: r.webhook_subscribed_at?.toISOString() ?? null,
    lastEventAt: r.last_event_at?.toISOString() ?? null,
    connectedAt: r.created_at.toISOString(),
    disconnectedAt: r.disconnected_at?.toISOString() ?? null,
  }));
}

export async function getConnectionStatus(
  db: Database,
  actor: Actor,
  workspaceId: string | undefined,
  now = new Date(),
): Promise<ConnectionStatus> {
  return db.withUser(actor, async (trx) => {
    const memberships = await listMemberships(trx, actor.userId);
    const workspace = workspaceId ? memberships.find((m) => m.id === workspaceId) : memberships[0];
    if (!workspace) throw new AppError('NOT_FOUND', 'Workspace not found');
    const accounts = await listAccountStatuses(trx, workspace.id, now);
    const live =
      accounts.find((a) => a.status === 'CONNECTED') ?? accounts.find((a) => a.status === 'NEEDS_REAUTH');
    return {
      connected: accounts.some((a) => a.status === 'CONNECTED'),
      accountName: live?.accountName ?? null,
      accountId: live?.accountId ?? null,
      workspaceId: workspace.id,
      accounts,
    };
  });
}
