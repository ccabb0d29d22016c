// Connecting Instagram accounts against the Meta simulator over real HTTP: the whole Instagram
// Login flow, every error path, token refresh on a controlled clock, and a search for the
// plaintext token in the database, the logs and the answers.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { newMetaAppCredentials } from '#dev/meta/app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from '#dev/meta/simulator.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import { tablesHolding } from '#dev/test/find-in-database.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { createServices, type Services } from '../services.ts';
import { createWorkspace } from '../team/index.ts';
import { beginConnect, callbackUrl } from './begin-connect.ts';
import { completeConnect } from './complete-connect.ts';
import { disconnectAccount } from './disconnect-account.ts';
import { refreshDueTokens } from './refresh-tokens.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let meta: MetaSimulator;
let services: Services;
let alice: TestOperator;
let bob: TestOperator;
let aliceWorkspace: string;
let bobWorkspace: string;
let n = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  const app = newMetaAppCredentials();
  meta = await startMetaSimulator({ app });
  services = createServices(
    testEnv(
      database,
      supabase,
      {
        INSTAGRAM_GRAPH_URL: meta.instagramGraphUrl,
        INSTAGRAM_OAUTH_URL: meta.instagramUrl,
        INSTAGRAM_API_URL: meta.instagramApiUrl,
        FACEBOOK_GRAPH_URL: meta.facebookGraphUrl,
        FACEBOOK_OAUTH_URL: meta.facebookUrl,
      },
      app,
    ),
  );
  [alice, bob] = await Promise.all([signUpOperator(supabase, 'alice'), signUpOperator(supabase, 'bob')]);
  aliceWorkspace = (await createWorkspace(services.db, alice.actor, 'Alice Art')).id;
  bobWorkspace = (await createWorkspace(services.db, bob.actor, 'Bob Bikes')).id;
});

afterAll(async () => {
  await meta?.stop();
  await services?.close();
  await supabase?.stop();
  await database?.drop();
});

afterEach(() => {
  meta.clearFaults();
  meta.setOAuthResponseShape('flat');
});

const redirectUri = () => callbackUrl(services.env.APP_URL);

/** Operator starts connecting, logs in on Meta's screen as `account`, comes back with a code. */
async function authorise(operator: TestOperator, workspaceId: string, account: string) {
  const { authUrl } = await beginConnect(services, operator.actor, { workspaceId, loginPath: 'instagram' });
  const state = new URL(authUrl).searchParams.get('state') as string;
  const location = new URL(meta.authorize({ account, redirectUri: redirectUri(), state }));
  return { authUrl, state, code: location.searchParams.get('code') as string, location };
}

/** Connects through the real use case; these tests connect one account at a time. */
async function connectOne(...args: Parameters<typeof completeConnect>) {
  const { workspaceId, accounts } = await completeConnect(...args);
  const [first] = accounts;
  if (!first) throw new Error('nothing was connected');
  return { workspaceId, ...first };
}

function newAccount() {
  n += 1;
  return meta.addAccount({ username: `studio.${n}`, subscribed: false });
}

describe('connecting with Instagram Login', () => {
  it('asks Meta for the messaging and comment scopes and comes back to our callback', async () => {
    const account = newAccount();
    const { authUrl, location } = await authorise(alice, aliceWorkspace, account.username);
    const url = new URL(authUrl);
    expect(url.pathname).toMatch(/\/oauth\/authorize$/);
    expect(url.searchParams.get('scope')).toBe(
      'instagram_business_basic,instagram_business_manage_messages,instagram_business_manage_comments',
    );
    expect(url.searchParams.get('redirect_uri')).toBe(redirectUri());
    expect(location.origin + location.pathname).toBe(redirectUri());
    expect(location.hash).toBe('#_');
  });

  it('stores the account with its long-lived token encrypted, subscribed to webhooks', async () => {
    const account = newAccount();
    const { code, state } = await authorise(alice, aliceWorkspace, account.username);
    const connected = await connectOne(services, alice.actor, {
      code: `${code}#_`,
      state,
      redirectUri: redirectUri(),
    });
    expect(connected).toMatchObject({ workspaceId: aliceWorkspace, username: account.username });

    const [row] = (
      await database.query<{ authorizing_user_id: string; access_token: string; token_expires_at: Date }>(
        'select channel_identifier, display_name, profile_name, profile_picture_url, status, login_path, authorizing_user_id, access_token, token_expires_at, webhook_fields from channel_connections where id = $1',
        [connected.connectionId],
      )
    ).rows;
    const live = meta.accounts().find((a) => a.igId === account.igId);
    expect(row).toMatchObject({
      channel_identifier: account.igId, // /me's user_id: the id webhooks carry
      display_name: `@${account.username}`,
      // The name and picture the Accounts screen shows.
      profile_name: account.name,
      profile_picture_url: account.profilePictureUrl,
      status: 'CONNECTED',
      login_path: 'instagram',
      authorizing_user_id: account.appScopedUserId, // exact, though above 2^53
    });
    if (!row) throw new Error('the connection was not stored');
    expect(BigInt(row.authorizing_user_id)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(row.access_token).toMatch(/^enc:v1:/);
    expect(row.access_token).not.toContain(live?.accessToken);
    expect(row.token_expires_at.getTime() - Date.now()).toBeGreaterThan(59 * 24 * 3600 * 1000);
    expect(live?.subscribedFields).toEqual(
      expect.arrayContaining(['messages', 'message_reactions', 'messaging_seen']),
    );
  });

  it('accepts the data-wrapped token answer from the docs too', async () => {
    meta.setOAuthResponseShape('data-wrapped');
    const account = newAccount();
    const { code, state } = await authorise(alice, aliceWorkspace, account.username);
    const connected = await connectOne(services, alice.actor, {
      code,
      state,
      redirectUri: redirectUri(),
    });
    expect(connected.username).toBe(account.username);
  });

  it('refuses a replayed state, a state from another operator, and a code used twice', async () => {
    const account = newAccount();
    const { code, state } = await authorise(alice, aliceWorkspace, account.username);
    await expect(
      connectOne(services, bob.actor, { code, state, redirectUri: redirectUri() }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await connectOne(services, alice.actor, { code, state, redirectUri: redirectUri() });
    await expect(
      connectOne(services, alice.actor, { code, state, redirectUri: redirectUri() }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });

    const again = await authorise(alice, aliceWorkspace, account.username);
    await expect(
      connectOne(services, alice.actor, { code, state: again.state, redirectUri: redirectUri() }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/expired or was already used/),
    });
  });

  it('refuses a code that expired on Meta’s side (after an hour)', async () => {
    const account = newAccount();
    const { code, state } = await authorise(alice, aliceWorkspace, account.username);
    meta.advanceClock(61 * 60 * 1000);
    await expect(
      connectOne(services, alice.actor, { code, state, redirectUri: redirectUri() }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('refuses an account that is connected to another workspace', async () => {
    const account = newAccount();
    const first = await authorise(alice, aliceWorkspace, account.username);
    await connectOne(services, alice.actor, { ...first, redirectUri: redirectUri() });
    const second = await authorise(bob, bobWorkspace, account.username);
    await expect(
      connectOne(services, bob.actor, {
        code: second.code,
        state: second.state,
        redirectUri: redirectUri(),
      }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `@${account.username} is already connected to another workspace.`,
    });
  });

  it('reconnecting an account that needs re-authorisation restores it', async () => {
    const account = newAccount();
    const first = await authorise(alice, aliceWorkspace, account.username);
    const { connectionId } = await connectOne(services, alice.actor, {
      ...first,
      redirectUri: redirectUri(),
    });
    await database.query(
      "update channel_connections set status = 'NEEDS_REAUTH', needs_reauth_reason = 'x' where id = $1",
      [connectionId],
    );
    const second = await authorise(alice, aliceWorkspace, account.username);
    const again = await connectOne(services, alice.actor, {
      ...second,
      redirectUri: redirectUri(),
    });
    expect(again.connectionId).toBe(connectionId);
    expect(
      (
        await database.query('select status, needs_reauth_reason from channel_connections where id = $1', [
          connectionId,
        ])
      ).rows,
    ).toEqual([{ status: 'CONNECTED', needs_reauth_reason: null }]);
  });

  it('only owners and admins may start connecting', async () => {
    await database.query(
      "insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'agent')",
      [aliceWorkspace, bob.actor.userId],
    );
    await expect(
      beginConnect(services, bob.actor, {
        workspaceId: aliceWorkspace,
        loginPath: 'instagram',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('connecting with Facebook Login (Page-linked accounts)', () => {
  it('stores the Instagram account of each granted Page with its Page token, subscribed through the Page', async () => {
    n += 1;
    const account = meta.addAccount({ username: `page.shop.${n}`, loginPath: 'facebook', subscribed: false });
    const { authUrl } = await beginConnect(services, alice.actor, {
      workspaceId: aliceWorkspace,
      loginPath: 'facebook',
    });
    const url = new URL(authUrl);
    expect(url.pathname).toMatch(/\/v\d+\.0\/dialog\/oauth$/);
    expect(url.searchParams.get('scope')).toContain('instagram_manage_messages');
    const state = url.searchParams.get('state') as string;
    const location = new URL(
      meta.authorize({ account: account.username, loginPath: 'facebook', redirectUri: redirectUri(), state }),
    );
    const code = location.searchParams.get('code') as string;

    const connected = await connectOne(services, alice.actor, { code, state, redirectUri: redirectUri() });
    expect(connected.username).toBe(account.username);
    const { rows } = await database.query(
      'select login_path, channel_identifier, provider_account_id, authorizing_user_id, token_expires_at, access_token, profile_name, profile_picture_url from channel_connections where id = $1',
      [connected.connectionId],
    );
    expect(rows[0]).toMatchObject({
      login_path: 'facebook',
      channel_identifier: account.igId,
      provider_account_id: account.pageId,
      authorizing_user_id: account.appScopedUserId,
      token_expires_at: null, // Page tokens from a long-lived user token do not expire
      access_token: expect.stringMatching(/^enc:v1:/),
      profile_name: account.name,
      profile_picture_url: account.profilePictureUrl,
    });
    expect(meta.accounts().find((a) => a.igId === account.igId)?.subscribedFields).toEqual(
      expect.arrayContaining(['messages']),
    );
  });
});

describe('token refresh on a schedule', () => {
  async function connectFresh() {
    const account = newAccount();
    const auth = await authorise(alice, aliceWorkspace, account.username);
    const { connectionId } = await connectOne(services, alice.actor, {
      ...auth,
      redirectUri: redirectUri(),
    });
    return { connectionId, account };
  }
  const tokenRow = async (id: string) => {
    const { rows } = await database.query<{ access_token: string; token_expires_at: Date; status: string }>(
      'select access_token, token_expires_at, token_refreshed_at, status, needs_reauth_reason from channel_connections where id = $1',
      [id],
    );
    if (!rows[0]) throw new Error(`connection ${id} is gone`);
    return rows[0];
  };

  it('leaves young tokens alone and refreshes a token a month before it expires', async () => {
    const { connectionId } = await connectFresh();
    const before = await tokenRow(connectionId);
    const justAfter = new Date(Date.now() + 60_000);
    const report = await refreshDueTokens(services, justAfter);
    expect(report.refreshed).toBe(0);
    expect((await tokenRow(connectionId)).access_token).toBe(before.access_token);

    // 31 days later (Meta's clock too): under 30 days left, so it is refreshed.
    const later = 31 * 24 * 3600 * 1000;
    meta.advanceClock(later);
    const report2 = await refreshDueTokens(services, new Date(Date.now() + later));
    expect(report2.refreshed).toBeGreaterThanOrEqual(1);
    const after = await tokenRow(connectionId);
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.token_expires_at.getTime()).toBeGreaterThan(before.token_expires_at.getTime());
    expect(after.status).toBe('CONNECTED');
  });

  it('marks the account for reconnection when Meta refuses the refresh (190)', async () => {
    const { connectionId, account } = await connectFresh();
    meta.setFault({
      path: 'refresh_access_token',
      account: account.igId,
      error: { code: 190, message: 'Error validating access token' },
    });
    const later = 31 * 24 * 3600 * 1000;
    meta.advanceClock(later);
    await refreshDueTokens(services, new Date(Date.now() + later));
    expect(await tokenRow(connectionId)).toMatchObject({
      status: 'NEEDS_REAUTH',
      needs_reauth_reason: expect.stringContaining('Instagram refused to refresh the token'),
    });
  });

  it('postpones when Meta is down, and reports an expired token', async () => {
    const { connectionId } = await connectFresh();
    meta.setFault({ path: 'refresh_access_token', error: { status: 503 } });
    const later = 31 * 24 * 3600 * 1000;
    const report = await refreshDueTokens(services, new Date(Date.now() + later + 10 * later));
    expect(report.postponed + report.needsReauth).toBeGreaterThanOrEqual(1);
    await database.query(
      "update channel_connections set token_expires_at = now() - interval '1 day' where id = $1",
      [connectionId],
    );
    await refreshDueTokens(services);
    expect(await tokenRow(connectionId)).toMatchObject({
      status: 'NEEDS_REAUTH',
      needs_reauth_reason: 'The Instagram token expired. Reconnect the account to resume.',
    });
  });
});

describe('disconnecting', () => {
  async function connected() {
    const account = newAccount();
    const auth = await authorise(alice, aliceWorkspace, account.username);
    const { connectionId } = await connectOne(services, alice.actor, {
      ...auth,
      redirectUri: redirectUri(),
    });
    await database.query(
      `insert into conversations (workspace_id, channel_connection_id, contact_identifier) values ($1, $2, '5830000000000001')`,
      [aliceWorkspace, connectionId],
    );
    return { account, connectionId };
  }
  const subscribed = (igId: string) => meta.accounts().find((a) => a.igId === igId)?.subscribedFields;

  it('unsubscribes the account, wipes its tokens and keeps its conversations', async () => {
    const { account, connectionId } = await connected();
    expect(subscribed(account.igId)?.length).toBeGreaterThan(0);
    const result = await disconnectAccount(services, alice.actor, {
      workspaceId: aliceWorkspace,
      connectionId,
      deleteHistory: false,
    });
    expect(result).toEqual({ unsubscribed: true, deleted: null });
    expect(subscribed(account.igId)).toEqual([]);
    expect(
      (
        await database.query(
          'select status, access_token, disconnected_at is not null as gone from channel_connections where id = $1',
          [connectionId],
        )
      ).rows,
    ).toEqual([{ status: 'DISCONNECTED', access_token: null, gone: true }]);
    expect(
      (
        await database.query(
          'select count(*)::int as n from conversations where channel_connection_id = $1',
          [connectionId],
        )
      ).rows,
    ).toEqual([{ n: 1 }]);
  });

  it('deletes the history when asked, and refuses another workspace’s account', async () => {
    const { connectionId } = await connected();
    await expect(
      disconnectAccount(services, bob.actor, {
        workspaceId: bobWorkspace,
        connectionId,
        deleteHistory: true,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const result = await disconnectAccount(services, alice.actor, {
      workspaceId: aliceWorkspace,
      connectionId,
      deleteHistory: true,
    });
    expect(result.deleted).toMatchObject({ accounts: 1, conversations: 1 });
    expect(
      (
        await database.query('select count(*)::int as n from channel_connections where id = $1', [
          connectionId,
        ])
      ).rows,
    ).toEqual([{ n: 0 }]);
  });
});

describe('tokens never leak', () => {
  it('no plaintext token in any table, log line or answer', async () => {
    const logged: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    }
    const account = newAccount();
    const auth = await authorise(alice, aliceWorkspace, account.username);
    const answer = await connectOne(services, alice.actor, {
      ...auth,
      redirectUri: redirectUri(),
    });
    await refreshDueTokens(services);
    vi.restoreAllMocks();

    const token = meta.accounts().find((a) => a.igId === account.igId)?.accessToken as string;
    expect(token).toMatch(/^IGAA/);
    expect(await tablesHolding(database, token)).toEqual([]);
    expect(logged.join('\n')).not.toContain(token);
    expect(JSON.stringify(answer)).not.toContain(token);
  });
});
