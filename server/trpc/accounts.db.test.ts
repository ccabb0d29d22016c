// accounts.list and accounts.disconnect over real HTTP with bearer tokens, against the Meta
// simulator: what the Accounts screen shows of each account (and never its token), who may
// disconnect, and that a disconnect reaches Meta, keeps the history and is broadcast live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from '#dev/meta/app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from '#dev/meta/simulator.ts';
import type { Account } from '#dev/meta/world.ts';
import type { SupabaseStandIn } from '#dev/supabase/server.ts';
import { type ApiStack, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { connectSimulatorAccount } from '#dev/test/connections.ts';
import type { TestDatabase } from '#dev/test/database.ts';
import { signUpTeam, type TestOperator } from '#dev/test/operators.ts';
import type { ServedHandler } from '#dev/test/serve-fetch.ts';
import { BROADCAST_EVENTS, workspaceTopic } from '../realtime/topics.ts';
import type { Services } from '../services.ts';

let stack: ApiStack;
let database: TestDatabase;
let supabase: SupabaseStandIn;
let meta: MetaSimulator;
let services: Services;
let api: ServedHandler;
let owner: TestOperator;
let agent: TestOperator;
let outsider: TestOperator;
let workspaceId: string;
let outsiderWorkspaceId: string;
let account: Account;
let connectionId: string;

const DAY_MS = 24 * 60 * 60 * 1000;

const client = (operator: TestOperator) => operatorClient(api, operator);

const connectionRow = async (id: string) =>
  (
    await database.query<{ status: string; access_token: string | null }>(
      'select status, access_token from channel_connections where id = $1',
      [id],
    )
  ).rows[0];

beforeAll(async () => {
  const app = newMetaAppCredentials();
  meta = await startMetaSimulator({ app });
  stack = await startApiStack({
    env: { INSTAGRAM_GRAPH_URL: meta.instagramGraphUrl, FACEBOOK_GRAPH_URL: meta.facebookGraphUrl },
    metaApp: app,
  });
  ({ database, supabase, services, api } = stack);
  ({ owner, agent, outsider, workspaceId, outsiderWorkspaceId } = await signUpTeam(supabase, services.db));
  account = meta.addAccount({ username: 'clay.studio', name: 'Clay Studio', subscribed: true });
  connectionId = await connectSimulatorAccount(database, services.cipher, workspaceId, account);
  await database.query(
    `update channel_connections
     set profile_name = $2, profile_picture_url = $3, token_expires_at = now() + interval '54 days 2 hours',
         webhook_fields = '{messages,messaging_seen}', webhook_subscribed_at = now(),
         last_event_at = '2026-11-24T08:00:00Z'
     where id = $1`,
    [connectionId, account.name, account.profilePictureUrl],
  );
});

afterAll(async () => {
  await meta?.stop();
  await stack?.stop();
});

describe('accounts.list', () => {
  it('shows each account with its profile, login path, token expiry and webhooks, never its token', async () => {
    const accounts = await client(agent).accounts.list.query({ workspaceId });
    expect(accounts).toEqual([
      {
        id: connectionId,
        accountName: '@clay.studio',
        accountId: account.igId,
        profileName: 'Clay Studio',
        profilePictureUrl: account.profilePictureUrl,
        loginPath: 'instagram',
        status: 'CONNECTED',
        needsReauthReason: null,
        tokenExpiresAt: expect.any(String),
        tokenExpiresInDays: 54,
        webhookFields: ['messages', 'messaging_seen'],
        webhookSubscribedAt: expect.any(String),
        lastEventAt: '2026-11-24T08:00:00.000Z',
        connectedAt: expect.any(String),
        disconnectedAt: null,
      },
    ]);
    const expiresIn = Date.parse(accounts[0]?.tokenExpiresAt ?? '') - Date.now();
    expect(expiresIn).toBeGreaterThan(54 * DAY_MS);
    const answer = JSON.stringify(accounts);
    expect(answer).not.toContain(account.accessToken);
    expect(answer).not.toContain('enc:v1');
  });

  it("shows Meta's reason when an account needs reconnecting", async () => {
    await database.query(
      "update channel_connections set status = 'NEEDS_REAUTH', needs_reauth_reason = 'Meta rejected the access token: Error validating access token' where id = $1",
      [connectionId],
    );
    const [needsReauth] = await client(owner).accounts.list.query({ workspaceId });
    expect(needsReauth).toMatchObject({
      status: 'NEEDS_REAUTH',
      needsReauthReason: 'Meta rejected the access token: Error validating access token',
    });
    await database.query(
      "update channel_connections set status = 'CONNECTED', needs_reauth_reason = null where id = $1",
      [connectionId],
    );
  });

  it("is 404 for a workspace the caller is not a member of, and lists nothing of another's", async () => {
    const error = await apiRefusal(client(outsider).accounts.list.query({ workspaceId }));
    expect(error.data?.httpStatus).toBe(404);
    expect(await client(outsider).accounts.list.query({ workspaceId: outsiderWorkspaceId })).toEqual([]);
  });
});

describe('accounts.disconnect', () => {
  it('refuses agents (403) and changes nothing', async () => {
    const error = await apiRefusal(
      client(agent).accounts.disconnect.mutate({ workspaceId, connectionId, deleteHistory: false }),
    );
    expect(error.data?.code).toBe('FORBIDDEN');
    expect(error.message).toBe('Only workspace owners and admins can do this');
    expect(await connectionRow(connectionId)).toMatchObject({ status: 'CONNECTED' });
  });

  it("refuses another workspace's account and malformed ids, and changes nothing", async () => {
    const foreign = await apiRefusal(
      client(outsider).accounts.disconnect.mutate({ workspaceId: outsiderWorkspaceId, connectionId }),
    );
    expect(foreign.data?.httpStatus).toBe(404);
    const notMember = await apiRefusal(
      client(outsider).accounts.disconnect.mutate({ workspaceId, connectionId }),
    );
    expect(notMember.data?.httpStatus).toBe(404);
    const malformed = await apiRefusal(
      client(owner).accounts.disconnect.mutate({ workspaceId, connectionId: 'not-a-uuid' }),
    );
    expect(malformed.data?.httpStatus).toBe(400);
    expect(await connectionRow(connectionId)).toMatchObject({ status: 'CONNECTED' });
    expect(meta.accounts().find((a) => a.igId === account.igId)?.subscribedFields.length).toBeGreaterThan(0);
  });

  it('keeps the history, unsubscribes at Meta, shows Disconnected and tells the workspace live', async () => {
    await database.query(
      `insert into conversations (workspace_id, channel_connection_id, contact_identifier) values ($1, $2, '5830000000000009')`,
      [workspaceId, connectionId],
    );
    const result = await client(owner).accounts.disconnect.mutate({
      workspaceId,
      connectionId,
      deleteHistory: false,
    });
    expect(result).toEqual({ unsubscribed: true, deleted: null });
    expect(meta.accounts().find((a) => a.igId === account.igId)?.subscribedFields).toEqual([]);

    const [card] = await client(agent).accounts.list.query({ workspaceId });
    expect(card).toMatchObject({
      id: connectionId,
      status: 'DISCONNECTED',
      tokenExpiresAt: null,
      tokenExpiresInDays: null,
      disconnectedAt: expect.any(String),
      profileName: 'Clay Studio',
    });
    expect(await connectionRow(connectionId)).toEqual({ status: 'DISCONNECTED', access_token: null });
    const kept = await database.query('select 1 from conversations where channel_connection_id = $1', [
      connectionId,
    ]);
    expect(kept.rowCount).toBe(1);
    // Browsers on the workspace's channel refetch the accounts on this broadcast.
    const broadcasts = await database.query(
      'select payload from realtime.messages where topic = $1 and event = $2 order by inserted_at',
      [workspaceTopic(workspaceId), BROADCAST_EVENTS.connectionUpdated],
    );
    expect(broadcasts.rows.at(-1)).toMatchObject({
      payload: { channel_connection_id: connectionId, status: 'DISCONNECTED' },
    });
  });

  it('deletes the history when asked, and tells the workspace the account is gone', async () => {
    const doomed = meta.addAccount({ username: 'short.lived', subscribed: true });
    const doomedId = await connectSimulatorAccount(database, services.cipher, workspaceId, doomed);
    await database.query(
      `insert into conversations (workspace_id, channel_connection_id, contact_identifier) values ($1, $2, '5830000000000010')`,
      [workspaceId, doomedId],
    );
    const result = await client(owner).accounts.disconnect.mutate({
      workspaceId,
      connectionId: doomedId,
      deleteHistory: true,
    });
    expect(result).toMatchObject({ unsubscribed: true, deleted: { accounts: 1, conversations: 1 } });
    const listed = await client(owner).accounts.list.query({ workspaceId });
    expect(listed.map((a) => a.id)).toEqual([connectionId]);
    const broadcasts = await database.query(
      'select payload from realtime.messages where topic = $1 and event = $2',
      [workspaceTopic(workspaceId), BROADCAST_EVENTS.connectionDeleted],
    );
    expect(broadcasts.rows).toMatchObject([
      { payload: { channel_connection_id: doomedId, status: 'DELETED' } },
    ]);
  });
});
