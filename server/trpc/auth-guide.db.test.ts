// The client docs/api/auth.md tells mobile developers to write, run against the Auth stand-in and
// the API over real HTTP: supabase-js signs in and holds the session, every call and live stream
// sends its access token, a call the server finds expired is made again once with a refreshed
// token, and signing out ends the session on the server: calls and an open stream are refused
// with `session_ended`, which the client does not retry.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  retryLink,
  splitLink,
  type TRPCClientError,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ws from 'ws';
import { type ApiStack, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { eventually } from '#dev/test/eventually.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { createWorkspace } from '../team/index.ts';
import type { AppRouter } from './app.router.ts';

let stack: ApiStack;
let alice: TestOperator;
let workspaceId: string;

beforeAll(async () => {
  stack = await startApiStack();
  alice = await signUpOperator(stack.supabase, 'alice');
  workspaceId = (await createWorkspace(stack.services.db, alice.actor, 'Alice Art')).id;
});

afterAll(() => stack?.stop());

/** A device: supabase-js keeping its session in `storage` (AsyncStorage, on a phone). */
function device() {
  const storage = new Map<string, string>();
  const supabase = createClient(stack.supabase.url, stack.supabase.anonKey, {
    auth: {
      storage: {
        getItem: (key) => storage.get(key) ?? null,
        setItem: (key, value) => void storage.set(key, value),
        removeItem: (key) => void storage.delete(key),
      },
      autoRefreshToken: false, // no timers in a test; getSession() still refreshes near expiry
    },
    realtime: { transport: ws as unknown as typeof WebSocket },
  });
  const session = () => {
    const [stored] = [...storage.values()];
    return stored ? (JSON.parse(stored) as { access_token: string; refresh_token: string }) : null;
  };
  const replaceAccessToken = (token: string) => {
    const [key, stored] = [...storage.entries()][0] as [string, string];
    storage.set(key, JSON.stringify({ ...JSON.parse(stored), access_token: token }));
  };
  return { supabase, api: guideClient(supabase), session, replaceAccessToken };
}

/** The guide's client, with Node's EventSource (which sends headers through its `fetch`). */
function guideClient(supabase: SupabaseClient) {
  const url = `${stack.api.url}/api/trpc`;
  let refreshing: Promise<unknown> | undefined;

  async function authorization() {
    await refreshing;
    const { data } = await supabase.auth.getSession();
    if (!data.session) throw new Error('Not signed in');
    return { Authorization: `Bearer ${data.session.access_token}` };
  }

  return createTRPCClient<AppRouter>({
    links: [
      retryLink({
        retry({ error, attempts }) {
          if (attempts > 1 || error.data?.reason !== 'token_expired') return false;
          // Calls refused together share one refresh: a refresh token is single-use.
          refreshing ??= supabase.auth.refreshSession().finally(() => {
            refreshing = undefined;
          });
          return true;
        },
      }),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: async () => {
            const headers = await authorization();
            return {
              fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
            };
          },
        }),
        false: httpBatchLink({ url, headers: authorization }),
      }),
    ],
  });
}

/** A token of this session that has already expired, though supabase-js believes it good. */
async function expiredToken(accessToken: string) {
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString());
  return stack.supabase.keys.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 5 });
}

it('signs in with supabase-js and calls the API with the session’s token', async () => {
  const phone = device();
  const { error } = await phone.supabase.auth.signInWithPassword({
    email: alice.email,
    password: alice.password,
  });
  expect(error).toBeNull();
  const me = await phone.api.operator.me.query();
  expect(me.profile.email).toBe(alice.email);
  expect(me.workspaces.map((w) => w.id)).toEqual([workspaceId]);
});

it('refreshes the token and makes the call again, once, when the server says it expired', async () => {
  const phone = device();
  await phone.supabase.auth.signInWithPassword({ email: alice.email, password: alice.password });
  const before = phone.session();
  phone.replaceAccessToken(await expiredToken(before?.access_token as string));

  expect((await phone.api.inbox.listConversations.query({ workspaceId })).items).toEqual([]);
  // A new session from the refresh grant: new tokens (the old refresh token is spent).
  expect(phone.session()?.refresh_token).not.toBe(before?.refresh_token);
  expect((await phone.api.operator.me.query()).profile.email).toBe(alice.email);
});

it('signing out ends the session on the server: calls and the open stream are refused, not retried', async () => {
  const phone = device();
  await phone.supabase.auth.signInWithPassword({ email: alice.email, password: alice.password });
  const token = phone.session()?.access_token as string;
  const received: string[] = [];
  const errors: TRPCClientError<AppRouter>[] = [];
  const stream = phone.api.live.events.subscribe(
    { workspaceId, lastEventId: null },
    {
      onData: (event) => received.push(event.data.type),
      onError: (error) => errors.push(error as TRPCClientError<AppRouter>),
    },
  );
  await eventually(() => received.length > 0);
  expect(received[0]).toBe('resyncRequired');

  await phone.supabase.auth.signOut({ scope: 'local' });
  // The token of the ended session, as another copy of the app (or a thief) would still hold it.
  const refused = await apiRefusal(
    operatorClient(stack.api, {
      ...alice,
      session: { ...alice.session, access_token: token },
    }).operator.me.query(),
  );
  expect(refused.data?.reason).toBe('session_ended');
  // Anything happening in the workspace wakes the stream, which finds its session gone.
  await stack.database.query(
    `insert into channel_connections (workspace_id, login_path, channel_identifier) values ($1, 'instagram', '17841400000000901')`,
    [workspaceId],
  );
  await eventually(() => errors.length > 0);
  expect(errors[0]?.data?.reason).toBe('session_ended');
  stream.unsubscribe();
  // Other sessions of the same operator are untouched.
  expect((await operatorClient(stack.api, alice).operator.me.query()).profile.email).toBe(alice.email);
});
