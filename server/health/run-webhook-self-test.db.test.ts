// "Run webhook tests" against a real web handler over HTTP (the webhook endpoint and the tRPC API,
// served the way the Remix routes serve them), real workers, real PostgreSQL, and the Meta
// simulator answering the subscription questions. Green when everything is right; each kind of
// misconfiguration turns its own check red.
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetaAppCredentials, newMetaAppCredentials } from '#dev/meta/app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from '#dev/meta/simulator.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { connectSimulatorAccount } from '#dev/test/connections.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import { eventually } from '#dev/test/eventually.ts';
import { signUpTeam, type TestOperator } from '#dev/test/operators.ts';
import { type ServedHandler, serveFetch } from '#dev/test/serve-fetch.ts';
import { WEBHOOK_PATH } from '../http/node-webhook.ts';
import { answerVerification, receiveDelivery } from '../meta/webhook-endpoint.ts';
import { createServices, type Services } from '../services.ts';
import type { AppRouter } from '../trpc/app.router.ts';
import { handleTrpcRequest } from '../trpc/handler.ts';
import { startWorkers, type Workers } from '../worker.ts';
import {
  runWebhookSelfTest,
  type WebhookSelfTest,
  type WebhookSelfTestConfig,
} from './run-webhook-self-test.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let meta: MetaSimulator;
let app: MetaAppCredentials;
let services: Services;
let workers: Workers;
let web: ServedHandler;
let owner: TestOperator;
let agent: TestOperator;
let stranger: TestOperator;
let workspaceId: string;
let strangerWorkspaceId: string;
const usernames = { subscribed: 'tested.shop', unsubscribed: 'quiet.shop', revoked: 'revoked.shop' };

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  database.query<R>(text, values).then((r) => r.rows);

const client = (operator: TestOperator) =>
  createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${web.url}/api/trpc`,
        headers: { Authorization: `Bearer ${operator.session.access_token}` },
      }),
    ],
  });

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  app = newMetaAppCredentials();
  meta = await startMetaSimulator({ app });
  // The app's web handler, routed as the Remix routes route: the self-test calls it over HTTP at
  // APP_URL, which is only known once it listens, so the services are created right after.
  web = await serveFetch(async (request) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/api/trpc')) return handleTrpcRequest(services, request);
    if (url.pathname !== WEBHOOK_PATH) return new Response('Not found', { status: 404 });
    return request.method === 'GET'
      ? answerVerification(url, services.webhookEndpoint)
      : receiveDelivery(request, services.webhookEndpoint, services.webhookLedger);
  });
  services = createServices(
    testEnv(
      database,
      supabase,
      {
        APP_URL: web.url,
        INSTAGRAM_GRAPH_URL: meta.instagramGraphUrl,
        FACEBOOK_GRAPH_URL: meta.facebookGraphUrl,
      },
      app,
    ),
  );
  workers = await startWorkers(services);
  ({
    owner,
    agent,
    outsider: stranger,
    workspaceId,
    outsiderWorkspaceId: strangerWorkspaceId,
  } = await signUpTeam(supabase, services.db));
  const connect = (username: string, subscribed: boolean, workspace = workspaceId) =>
    connectSimulatorAccount(database, services.cipher, workspace, meta.addAccount({ username, subscribed }));
  await connect(usernames.subscribed, true);
  await connect(usernames.unsubscribed, false);
  await connect(usernames.revoked, true);
  meta.revokeToken(usernames.revoked);
  await connect('stranger.shop', true, strangerWorkspaceId);
});

afterAll(async () => {
  await web?.close();
  await workers?.stop();
  await meta?.stop();
  await services?.close();
  await supabase?.stop();
  await database?.drop();
});

/** The use case with the server's own configuration, changed where a test says so. */
const selfTest = (config: Partial<WebhookSelfTestConfig> = {}) =>
  runWebhookSelfTest(
    { ...services, webhookSelfTest: { ...services.webhookSelfTest, ...config } },
    owner.actor,
    workspaceId,
  );

const check = (result: WebhookSelfTest, id: string) => {
  const found = result.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${result.checks.map((c) => c.id).join(', ')}`);
  return found;
};

const counts = async () =>
  (
    await sql<{ deliveries: number; conversations: number; leads: number }>(
      `select (select count(*)::int from webhook_events) as deliveries,
              (select count(*)::int from conversations) as conversations,
              (select count(*)::int from leads) as leads`,
    )
  )[0];

describe('a correctly configured deployment', () => {
  it('passes every check over tRPC, follows the event through a worker, and pollutes no inbox', async () => {
    const before = await counts();
    const result = await client(owner).webhooks.runSelfTest.mutate({ workspaceId });

    expect(result.passed).toBe(true);
    expect(result.callbackUrl).toBe(`${web.url}/api/instagram/webhook`);
    expect(result.checks.map((c) => [c.id, c.status, c.httpStatus])).toEqual([
      ['verification', 'passed', 200],
      ['wrong-verify-token', 'passed', 403],
      ['unsigned-event', 'passed', 401],
      ['forged-signature', 'passed', 403],
      ['signed-event', 'passed', 200],
      ['signed-event-meta-app-secret', 'passed', 200],
      ['event-processed', 'passed', null],
    ]);
    for (const c of result.checks) {
      expect(c.durationMs).toEqual(expect.any(Number));
      expect(c.explanation.length).toBeGreaterThan(20);
    }
    expect(check(result, 'event-processed').observed).toMatch(
      /^UNMATCHED, \d+ ms after it was stored — message for account 23245: UNMATCHED/,
    );

    // Only the two signed events were stored; the refused ones never reached the ledger.
    const after = await counts();
    expect(after?.deliveries).toBe((before?.deliveries ?? 0) + 2);
    expect(after?.conversations).toBe(before?.conversations);
    expect(after?.leads).toBe(before?.leads);

    // A second run is a new event, not a redelivery of the first: it passes the same way.
    const again = await client(owner).webhooks.runSelfTest.mutate({ workspaceId });
    expect(again.passed).toBe(true);
    expect(check(again, 'event-processed').observed).toMatch(/^UNMATCHED/);
  });

  it("reports what Meta says about each of the workspace's accounts, and only this workspace's", async () => {
    const { subscriptions } = await client(owner).webhooks.runSelfTest.mutate({ workspaceId });
    expect(
      subscriptions.map((s) => ({
        accountName: s.accountName,
        subscribed: s.subscribed,
        fields: s.fields,
        missing: s.missingFields,
      })),
    ).toEqual([
      {
        accountName: `@${usernames.subscribed}`,
        subscribed: true,
        fields: [
          'messages',
          'message_reactions',
          'messaging_seen',
          'messaging_postbacks',
          'messaging_referral',
          'message_edit',
          'comments',
          'live_comments',
        ],
        missing: [],
      },
      { accountName: `@${usernames.unsubscribed}`, subscribed: false, fields: [], missing: [] },
      { accountName: `@${usernames.revoked}`, subscribed: null, fields: [], missing: [] },
    ]);
    expect(subscriptions[1]?.detail).toMatch(/no webhook subscription/);
    expect(subscriptions[2]?.detail).toBe('Meta rejected the access token: reconnect the account.');

    const theirs = await client(stranger).webhooks.runSelfTest.mutate({ workspaceId: strangerWorkspaceId });
    expect(theirs.subscriptions.map((s) => s.accountName)).toEqual(['@stranger.shop']);
  });

  it('never shows the verify token, the app secrets or an access token', async () => {
    const answer = await fetch(`${web.url}/api/trpc/webhooks.runSelfTest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${owner.session.access_token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ workspaceId }),
    });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(text).toContain('"passed":true');
    for (const secret of [app.verifyToken, app.instagramAppSecret, app.metaAppSecret]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/IGAA|EAA[A-Za-z0-9]/);
  });
});

describe('who may run it', () => {
  it('refuses agents and strangers, and sends nothing for them', async () => {
    const before = await counts();
    const asAgent = await client(agent)
      .webhooks.runSelfTest.mutate({ workspaceId })
      .catch((e: unknown) => e);
    expect(asAgent).toBeInstanceOf(TRPCClientError);
    expect((asAgent as TRPCClientError<AppRouter>).data?.httpStatus).toBe(403);
    const asStranger = await client(stranger)
      .webhooks.runSelfTest.mutate({ workspaceId })
      .catch((e: unknown) => e);
    expect((asStranger as TRPCClientError<AppRouter>).data?.httpStatus).toBe(404);
    const badInput = await client(owner)
      .webhooks.runSelfTest.mutate({ workspaceId: 'not-a-uuid' })
      .catch((e: unknown) => e);
    expect((badInput as TRPCClientError<AppRouter>).data?.httpStatus).toBe(400);
    expect(await counts()).toEqual(before);
  });
});

describe('what a broken deployment looks like', () => {
  it('a verify token other than the endpoint’s fails the handshake, and says where to look', async () => {
    const otherToken = 'a-token-the-endpoint-does-not-know';
    const result = await selfTest({ verifyToken: otherToken });
    expect(result.passed).toBe(false);
    expect(check(result, 'verification')).toMatchObject({ status: 'failed', httpStatus: 403 });
    expect(check(result, 'verification').explanation).toContain('INSTAGRAM_VERIFY_TOKEN');
    expect(result.checks.filter((c) => c.status !== 'passed').map((c) => c.id)).toEqual(['verification']);
    expect(JSON.stringify(result)).not.toContain(otherToken);
  });

  it('an app secret other than the endpoint’s gets the signed event refused, and nothing to follow', async () => {
    const result = await selfTest({
      appSecrets: [{ name: 'Instagram app secret', secret: 'not-the-instagram-app-secret' }],
    });
    expect(check(result, 'signed-event')).toMatchObject({ status: 'failed', httpStatus: 403 });
    expect(check(result, 'signed-event').explanation).toContain('Instagram app secret');
    expect(check(result, 'event-processed').status).toBe('skipped');
    expect(JSON.stringify(result)).not.toContain('not-the-instagram-app-secret');
  });

  it('an unreachable callback URL fails the handshake and skips the rest', async () => {
    const result = await selfTest({ callbackUrl: 'http://127.0.0.1:9/api/instagram/webhook' });
    expect(check(result, 'verification')).toMatchObject({ status: 'failed', httpStatus: null });
    expect(check(result, 'verification').observed).toMatch(/^No answer: /);
    expect(result.checks.slice(1).every((c) => c.status === 'skipped')).toBe(true);
    expect(result.checks).toHaveLength(7);
  });

  it('without a running worker the event is stored but not processed, until a worker starts', async () => {
    await workers.stop();
    try {
      const result = await selfTest({ processingDeadlineMs: 1_500 });
      expect(check(result, 'signed-event').status).toBe('passed');
      expect(check(result, 'event-processed')).toMatchObject({
        status: 'failed',
        observed: 'Stored, but not processed within 1.5 s',
      });
      expect(check(result, 'event-processed').explanation).toMatch(/worker/);
      expect(check(result, 'event-processed').durationMs).toBeGreaterThanOrEqual(1_500);
    } finally {
      workers = await startWorkers(services);
    }
    // The stored event is not lost: the worker processes it once it runs.
    await eventually(
      async () => (await sql("select 1 from webhook_events where status = 'RECEIVED'")).length === 0,
    );
  });
});
