// The typed API while its database is away, as a mobile app meets it over real HTTP: every call
// is refused with 503, Retry-After and tRPC's SERVICE_UNAVAILABLE (not a 500 that reads as a bug),
// and works again by itself once Postgres is back. The database is taken away through a proxy,
// so the shared test cluster keeps running.
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { apiClient, apiRefusal } from '#dev/test/api-stack.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { type DatabaseProxy, startDatabaseProxy } from '#dev/test/database-proxy.ts';
import { testEnv } from '#dev/test/env.ts';
import { eventually } from '#dev/test/eventually.ts';
import { listenLive } from '#dev/test/mobile-client.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { type ServedHandler, serveFetch } from '#dev/test/serve-fetch.ts';
import { createLiveFeed } from '../realtime/live-feed.ts';
import { createServices, type Services } from '../services.ts';
import { createWorkspace } from '../team/index.ts';
import { handleTrpcRequest } from './handler.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let proxy: DatabaseProxy;
let services: Services;
let api: ServedHandler;
let alice: TestOperator;
let workspaceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  proxy = await startDatabaseProxy({ port: inject('postgres').port });
  services = createServices(testEnv({ ...database, appUrl: proxy.urlFor(database.appUrl) }, supabase));
  api = await serveFetch((request) => handleTrpcRequest(services, request));
  alice = await signUpOperator(supabase, 'alice');
  workspaceId = (await createWorkspace(database.db, alice.actor, 'Alice Art')).id;
});

afterAll(async () => {
  await api?.close();
  await proxy?.restore();
  await services?.close();
  await proxy?.close();
  await supabase?.stop();
  await database?.drop();
});

const bearer = () => ({ Authorization: `Bearer ${alice.session.access_token}` });

async function rawCall(path: string, init: { input?: unknown; method?: 'GET' | 'POST' } = {}) {
  const input = JSON.stringify(init.input ?? {});
  const response =
    init.method === 'POST'
      ? await fetch(`${api.url}/api/trpc/${path}`, {
          method: 'POST',
          headers: { ...bearer(), 'Content-Type': 'application/json' },
          body: input,
        })
      : await fetch(`${api.url}/api/trpc/${path}?input=${encodeURIComponent(input)}`, { headers: bearer() });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as {
      result?: unknown;
      error?: { message: string; code: number; data: { code: string; httpStatus: number } };
    },
  };
}

const listConversations = () => rawCall('inbox.listConversations', { input: { workspaceId } });

/** While the database is away: the answer a client can act on. */
async function expectUnavailable(call: ReturnType<typeof rawCall>) {
  const { status, retryAfter, body } = await call;
  expect(status).toBe(503);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  expect(body.error?.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
  expect(body.error?.message).toMatch(/database is temporarily unavailable/i);
}

describe.each([
  ['refuses connections (ECONNREFUSED, open ones reset)', () => proxy.refuse()],
  ['is starting up (FATAL 57P03)', () => proxy.starting()],
])('while Postgres %s', (_, takeAway) => {
  it('answers queries and mutations 503 with Retry-After, and 200 once it is back', async () => {
    expect((await listConversations()).status).toBe(200); // the pool holds live connections
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await takeAway();
      await expectUnavailable(listConversations());
      await expectUnavailable(
        rawCall('operator.createWorkspace', { method: 'POST', input: { name: 'Kiln' } }),
      );
      // @trpc/client hands the app the code to act on.
      const refusal = await apiRefusal(apiClient(api, bearer()).operator.me.query());
      expect(refusal).toBeInstanceOf(TRPCClientError);
      expect(refusal.data?.code).toBe('SERVICE_UNAVAILABLE');
      expect(refusal.data?.reason).toBe('unavailable'); // the stable word to branch on
      // An outage is not a bug: nothing is reported as a server failure.
      expect(error).not.toHaveBeenCalled();
    } finally {
      await proxy.restore();
      warn.mockRestore();
      error.mockRestore();
    }
    expect((await listConversations()).status).toBe(200);
    const { status, body } = await rawCall('operator.createWorkspace', {
      method: 'POST',
      input: { name: 'Kiln' },
    });
    expect(status).toBe(200);
    expect(body.result).toBeDefined();
  });
});

describe('the live stream (server-sent events)', () => {
  /** A change the app's triggers broadcast to the workspace, committed past the proxy. */
  let lead = 0;
  async function somethingHappens(): Promise<string> {
    lead += 1;
    const { rows } = await database.query<{ id: string }>(
      `with cc as (insert into channel_connections (workspace_id, login_path, channel_identifier)
                   values ($1, 'instagram', $2) returning id, workspace_id)
       insert into conversations (workspace_id, channel_connection_id, contact_identifier)
       select workspace_id, id, '5830000000000888' from cc returning id`,
      [workspaceId, `1784140000008${String(lead).padStart(4, '0')}`],
    );
    return rows[0]?.id as string;
  }

  it('keeps its connection while the database is away, and delivers what was committed meanwhile', async () => {
    // The stream is woken while its reads cannot get through: here by a notification its wake-up
    // connection still hears (it bypasses the proxy); in a longer outage, by its periodic re-read.
    const feed = services.liveFeed;
    services.liveFeed = createLiveFeed(database.appUrl);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const live = listenLive(api, alice.session.access_token, { workspaceId });
    const conversations = () =>
      live.received.flatMap((r) => (r.data.type === 'conversationUpdated' ? [r.data.conversationId] : []));
    try {
      await eventually(() => live.received.length > 0); // the stream stands (its resync event)
      const before = await somethingHappens();
      await eventually(() => conversations().includes(before));

      await proxy.starting();
      const turnedAway = proxy.turnedAway();
      const during = await somethingHappens();
      await eventually(() => proxy.turnedAway() > turnedAway + 1); // it tried, and will again
      await proxy.restore();

      await eventually(() => conversations().includes(during));
      expect(live.errors).toEqual([]);
      expect(live.connections).toBe(1); // the same HTTP response all along
      expect(new Set(live.received.map((r) => r.id)).size).toBe(live.received.length);
      expect(error).not.toHaveBeenCalled();
    } finally {
      live.stop();
      await proxy.restore();
      await services.liveFeed.close();
      services.liveFeed = feed;
      warn.mockRestore();
      error.mockRestore();
    }
  });
});
