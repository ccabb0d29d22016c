// SQL for channel connections as ingest and jobs see them.
import type { Tx } from '../db/database.ts';

export interface ConnectionRef {
  id: string;
  workspaceId: string;
  loginPath: 'instagram' | 'facebook';
  channelIdentifier: string;
  providerAccountId: string | null;
}

/**
 * The live connections for the business accounts a delivery names. Facebook-login deliveries may
 * carry the Page id where the Instagram account id is expected, so both are matched.
 */
export async function findLiveConnections(
  trx: Tx,
  accountIds: string[],
): Promise<Map<string, ConnectionRef>> {
  const found = new Map<string, ConnectionRef>();
  if (accountIds.length === 0) return found;
  const rows = await trx
    .selectFrom('channel_connections')
    .select(['id', 'workspace_id', 'login_path', 'channel_identifier', 'provider_account_id'])
    .where('status', '<>', 'DISCONNECTED')
    .where((eb) =>
      eb.or([
        eb('channel_identifier', 'in', accountIds),
        eb.and([eb('login_path', '=', 'facebook'), eb('provider_account_id', 'in', accountIds)]),
      ]),
    )
    .execute();
  for (const row of rows) {
    const ref: ConnectionRef = {
      id: row.id,
      workspaceId: row.workspace_id,
      loginPath: row.login_path,
      channelIdentifier: row.channel_identifier,
      providerAccountId: row.provider_account_id,
    };
    found.set(row.channel_identifier, ref);
    if (row.login_path === 'facebook' && row.provider_account_id) found.set(row.provider_account_id, ref);
  }
  return found;
}

export async function recordEventReceived(trx: Tx, connectionId: string, at: Date): Promise<void> {
  await trx
    .updateTable('channel_connections')
    .set((eb) => ({ last_event_at: eb.fn('greatest', [eb.ref('last_event_at'), eb.val(at)]) }))
    .where('id', '=', connectionId)
    .execute();
}

export interface ConnectionCredentials extends ConnectionRef {
  status: 'CONNECTED' | 'NEEDS_REAUTH' | 'DISCONNECTED';
  /** The sealed access token (decrypt with the token cipher), or null once wiped. */
  accessToken: string | null;
}

export async function findConnectionCredentials(
  trx: Tx,
  connectionId: string,
): Promise<ConnectionCredentials | undefined> {
  const row = await trx
    .selectFrom('channel_connections')
    .select([
      'id',
      'workspace_id',
      'login_path',
      'channel_identifier',
      'provider_account_id',
      'status',
      'access_token',
    ])
    .where('id', '=', connectionId)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      workspaceId: row.workspace_id,
      loginPath: row.login_path,
      channelIdentifier: row.channel_identifier,
      providerAccountId: row.provider_account_id,
      status: row.status,
      accessToken: row.access_token,
    }
  );
}

/** Meta refused the token: operators must reconnect. Webhooks keep being stored meanwhile. */
export async function markNeedsReauth(trx: Tx, connectionId: string, reason: string): Promise<void> {
  await trx
    .updateTable('channel_connections')
    .set({ status: 'NEEDS_REAUTH', needs_reauth_reason: reason })
    .where('id', '=', connectionId)
    .where('status', '=', 'CONNECTED')
    .execute();
}
