// SQL for channel connections: connect, status, token refresh and key rotation, ingest, jobs, and
// removing accounts (disconnect, deletion).
import type { Insertable, Updateable } from 'kysely';
import type { DB, Tx } from '../db/database.ts';
import { purgeDeliveriesFor } from '../ingest/index.ts';
import type { LoginPath } from '../meta/graph-client.ts';

export interface ConnectionRef {
  id: string;
  workspaceId: string;
  loginPath: LoginPath;
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

/** The live connection of an Instagram account, in whichever workspace has it. */
export async function findLiveConnection(trx: Tx, channelIdentifier: string) {
  return trx
    .selectFrom('channel_connections')
    .select(['id', 'workspace_id'])
    .where('channel_identifier', '=', channelIdentifier)
    .where('status', '<>', 'DISCONNECTED')
    .executeTakeFirst();
}

/** A reconnected account: its grant replaces what was stored. */
export async function updateConnection(
  trx: Tx,
  id: string,
  values: Updateable<DB['channel_connections']>,
): Promise<void> {
  await trx.updateTable('channel_connections').set(values).where('id', '=', id).execute();
}

export async function insertConnection(
  trx: Tx,
  values: Insertable<DB['channel_connections']>,
): Promise<void> {
  await trx.insertInto('channel_connections').values(values).execute();
}

/** Every account of the workspace, disconnected ones included, oldest first (under the caller's RLS). */
export async function listWorkspaceConnections(trx: Tx, workspaceId: string) {
  return trx
    .selectFrom('channel_connections')
    .select([
      'id',
      'display_name',
      'channel_identifier',
      'profile_name',
      'profile_picture_url',
      'login_path',
      'status',
      'needs_reauth_reason',
      'token_expires_at',
      'webhook_fields',
      'webhook_subscribed_at',
      'last_event_at',
      'created_at',
      'disconnected_at',
    ])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();
}

/** The ids of the workspace's accounts that are not disconnected (under the caller's transaction). */
export async function listLiveConnectionIds(trx: Tx, workspaceId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('channel_connections')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('status', '<>', 'DISCONNECTED')
    .execute();
  return rows.map((row) => row.id);
}

/** The connection if it is in the workspace (under the caller's RLS, another workspace's is not found). */
export async function findConnectionInWorkspace(trx: Tx, workspaceId: string, connectionId: string) {
  return trx
    .selectFrom('channel_connections')
    .select(['id', 'display_name'])
    .where('id', '=', connectionId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
}

/**
 * Instagram Login tokens to refresh: connected, expiring before `expiringBefore`, and last
 * refreshed before `refreshedBefore` (Meta refuses younger ones) or already expired at `now`.
 */
export async function findTokensDue(
  trx: Tx,
  due: { expiringBefore: Date; refreshedBefore: Date; now: Date },
) {
  return trx
    .selectFrom('channel_connections')
    .select(['id', 'access_token', 'token_expires_at'])
    .where('status', '=', 'CONNECTED')
    .where('login_path', '=', 'instagram')
    .where('access_token', 'is not', null)
    .where('token_expires_at', '<', due.expiringBefore)
    .where((eb) =>
      eb.or([
        eb('token_refreshed_at', 'is', null),
        eb('token_refreshed_at', '<=', due.refreshedBefore),
        // An expired token cannot be refreshed at all; the caller reports it.
        eb('token_expires_at', '<=', due.now),
      ]),
    )
    .execute();
}

/** A refreshed token, stored only if the account is still connected (not disconnected meanwhile). */
export async function storeRefreshedToken(
  trx: Tx,
  connectionId: string,
  token: { accessToken: string; expiresAt: Date; refreshedAt: Date },
): Promise<void> {
  await trx
    .updateTable('channel_connections')
    .set({
      access_token: token.accessToken,
      token_expires_at: token.expiresAt,
      token_refreshed_at: token.refreshedAt,
    })
    .where('id', '=', connectionId)
    .where('status', '=', 'CONNECTED')
    .execute();
}

/** Every connection holding a sealed token, locked until the caller's transaction ends. */
export async function lockSealedTokens(trx: Tx) {
  return trx
    .selectFrom('channel_connections')
    .select(['id', 'access_token', 'refresh_token'])
    .where((eb) => eb.or([eb('access_token', 'is not', null), eb('refresh_token', 'is not', null)]))
    .forUpdate()
    .execute();
}

export async function replaceSealedTokens(
  trx: Tx,
  connectionId: string,
  sealed: { accessToken: string | null; refreshToken: string | null },
): Promise<void> {
  await trx
    .updateTable('channel_connections')
    .set({ access_token: sealed.accessToken, refresh_token: sealed.refreshToken })
    .where('id', '=', connectionId)
    .execute();
}

/** Accounts authorised by a person (their app-scoped id on either login path). */
export async function connectionsAuthorisedBy(trx: Tx, appScopedUserId: string) {
  return trx
    .selectFrom('channel_connections')
    .select(['id', 'channel_identifier', 'provider_account_id'])
    .where((eb) =>
      eb.or([
        eb('authorizing_user_id', '=', appScopedUserId),
        eb('provider_account_id', '=', appScopedUserId),
      ]),
    )
    .execute();
}

/** Stops accounts and wipes their tokens; their conversations stay. */
export async function disconnectConnections(trx: Tx, ids: string[], reason: string | null): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('channel_connections')
    .set({
      status: 'DISCONNECTED',
      is_active: false,
      access_token: null,
      refresh_token: null,
      token_expires_at: null,
      needs_reauth_reason: reason,
      disconnected_at: new Date(),
    })
    .where('id', 'in', ids)
    .execute();
}

/**
 * Deletes accounts and everything stored about them: conversations, messages, leads, contacts,
 * parsed events, and the raw webhook deliveries processed for them alone. Returns what went.
 */
export async function purgeConnections(
  trx: Tx,
  connections: { id: string; channel_identifier: string; provider_account_id: string | null }[],
): Promise<Record<string, number>> {
  const ids = connections.map((c) => c.id);
  const accountIds = connections.flatMap((c) => [
    c.channel_identifier,
    ...(c.provider_account_id ? [c.provider_account_id] : []),
  ]);
  const count = async (table: 'conversations' | 'conversation_messages' | 'leads' | 'contacts') =>
    ids.length === 0
      ? 0
      : Number(
          (
            await trx
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .where('channel_connection_id', 'in', ids)
              .executeTakeFirstOrThrow()
          ).n,
        );
  const summary: Record<string, number> = {
    accounts: ids.length,
    conversations: await count('conversations'),
    messages: await count('conversation_messages'),
    leads: await count('leads'),
    contacts: await count('contacts'),
  };
  if (ids.length === 0) return summary;
  const purged = await purgeDeliveriesFor(trx, ids, accountIds);
  summary.events = purged.events;
  summary.deliveries = purged.deliveries;
  // Conversations, messages, leads and contacts go with their connection (ON DELETE CASCADE).
  await trx.deleteFrom('channel_connections').where('id', 'in', ids).execute();
  return summary;
}

/** Meta sends the account's webhooks again: the app was subscribed to `fields` just now. */
export async function recordSubscribed(trx: Tx, connectionId: string, fields: string[]): Promise<void> {
  await trx
    .updateTable('channel_connections')
    .set({ webhook_fields: fields, webhook_subscribed_at: new Date() })
    .where('id', '=', connectionId)
    .execute();
}

/** Every connected account, in every workspace: what the background checks go through. */
export async function listConnectedAccounts(trx: Tx): Promise<{ id: string; workspaceId: string }[]> {
  const rows = await trx
    .selectFrom('channel_connections')
    .select(['id', 'workspace_id'])
    .where('status', '=', 'CONNECTED')
    .execute();
  return rows.map((row) => ({ id: row.id, workspaceId: row.workspace_id }));
}

/** The Instagram account ids a workspace has ever connected: whose deliveries are its. */
export async function listWorkspaceAccountIds(trx: Tx, workspaceId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('channel_connections')
    .select('channel_identifier')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .execute();
  return rows.map((row) => row.channel_identifier);
}
