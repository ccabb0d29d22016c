// The browser's session reader against the Auth stand-in, sharing one cookie jar with the real
// @supabase/ssr server client (what the app's server runs): it reads the session that client wrote
// at sign-in, refreshes it once it is within 90 s of expiry and writes it back where that client
// reads it, refreshes once for several callers, leaves a session Auth has ended only once its
// token has expired, and reads a newer session the server wrote rather than overwrite it.
import { createServerClient } from '@supabase/ssr';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ws from 'ws';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { type BrowserSessionOptions, browserSession, REFRESH_MARGIN_MS } from './browser-session.ts';
import {
  type CookieJar,
  type StoredSession,
  sessionCookieName,
  sessionCookieStore,
} from './session-cookie-store.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let operator: TestOperator;

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  operator = await signUpOperator(supabase);
});

afterAll(async () => {
  await supabase?.stop();
  await database?.drop();
});

/** A browser's cookies, as `document.cookie` keeps them: a zero max-age deletes. */
function cookieJar(): CookieJar & { names(): string[] } {
  const cookies = new Map<string, string>();
  return {
    getAll: () => [...cookies].map(([name, value]) => ({ name, value })),
    setAll(list) {
      for (const { name, value, options } of list) {
        if (options.maxAge === 0) cookies.delete(name);
        else cookies.set(name, value);
      }
    },
    names: () => [...cookies.keys()],
  };
}

/** @supabase/ssr's server client on the jar, as the app's server builds it for a request. */
function serverClient(jar: CookieJar) {
  return createServerClient(supabase.url, supabase.anonKey, {
    cookies: { getAll: () => jar.getAll(), setAll: (cookies) => jar.setAll(cookies) },
    realtime: { transport: ws as unknown as typeof WebSocket },
  });
}

async function signedInJar() {
  const jar = cookieJar();
  const { error } = await serverClient(jar).auth.signInWithPassword({
    email: operator.email,
    password: operator.password,
  });
  expect(error).toBeNull();
  return jar;
}

const stored = (jar: CookieJar) => sessionCookieStore(jar, sessionCookieName(supabase.url)).read();

/** Auth's refresh requests, counted on their way out. */
function countingFetch() {
  const counted = { refreshes: 0 };
  const fetchFn: typeof fetch = (input, init) => {
    if (String(input).includes('grant_type=refresh_token')) counted.refreshes += 1;
    return fetch(input, init);
  };
  return { counted, fetchFn };
}

function reader(jar: CookieJar, options: Partial<BrowserSessionOptions> = {}) {
  return browserSession({ supabaseUrl: supabase.url, anonKey: supabase.anonKey, cookies: jar, ...options });
}

/** A clock this long before the stored session's token expires. */
const before = (session: StoredSession, ms: number) => () => session.expires_at * 1000 - ms;

it('reads the token of the session the server wrote, and leaves a fresh one alone', async () => {
  const jar = await signedInJar();
  const session = (await stored(jar)) as StoredSession;
  const { counted, fetchFn } = countingFetch();
  expect(await reader(jar, { fetch: fetchFn }).accessToken()).toBe(session.access_token);
  expect(counted.refreshes).toBe(0);
  expect(await reader(cookieJar()).accessToken()).toBeNull();
});

it('refreshes a token about to expire, once for callers at the same time, where the server reads it', async () => {
  const jar = await signedInJar();
  const session = (await stored(jar)) as StoredSession;
  const { counted, fetchFn } = countingFetch();
  const browser = reader(jar, { fetch: fetchFn, now: before(session, REFRESH_MARGIN_MS - 30_000) });
  const tokens = await Promise.all([browser.accessToken(), browser.accessToken(), browser.accessToken()]);

  const refreshed = (await stored(jar)) as StoredSession;
  expect(counted.refreshes).toBe(1);
  expect(refreshed.refresh_token).not.toBe(session.refresh_token);
  expect(tokens).toEqual([refreshed.access_token, refreshed.access_token, refreshed.access_token]);
  // The server's client takes the cookie the browser wrote.
  const { data } = await serverClient(jar).auth.getUser();
  expect(data.user?.email).toBe(operator.email);
  const { data: read } = await serverClient(jar).auth.getSession();
  expect(read.session?.refresh_token).toBe(refreshed.refresh_token);
});

it('keeps a session Auth ended while its token is valid, removes it once the token has expired', async () => {
  const jar = await signedInJar();
  const session = (await stored(jar)) as StoredSession;
  // Signed out elsewhere: the refresh token is revoked, the access token lives out its hour.
  await serverClient(await signedInJar()).auth.signOut({ scope: 'global' });

  const proactive = reader(jar, { now: before(session, 30_000) });
  expect(await proactive.accessToken()).toBe(session.access_token);
  expect(await stored(jar)).not.toBeNull();

  const expired = reader(jar, { now: before(session, -1_000) });
  expect(await expired.accessToken()).toBeNull();
  expect(jar.getAll()).toEqual([]);
});

it('takes the session the server wrote while its own refresh was under way', async () => {
  const jar = await signedInJar();
  const session = (await stored(jar)) as StoredSession;
  const newer = await signedInJar(); // what the server's answer to another request set
  const fetchFn: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    jar.setAll(newer.getAll().map(({ name, value }) => ({ name, value, options: { maxAge: 100 } })));
    return response;
  };
  const token = await reader(jar, { fetch: fetchFn, now: before(session, 30_000) }).accessToken();
  const server = (await stored(newer)) as StoredSession;
  expect(token).toBe(server.access_token);
  expect((await stored(jar))?.refresh_token).toBe(server.refresh_token);
});
