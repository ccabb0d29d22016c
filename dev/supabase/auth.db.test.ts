// The Auth stand-in driven by the real clients (supabase-js, @supabase/ssr), as the app uses them.
import { createServerClient } from '@supabase/ssr';
import { AuthApiError, AuthWeakPasswordError } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { createTestDatabase, type TestDatabase } from '../test/database.ts';
import { uniqueEmail } from '../test/operators.ts';
import { supabaseClient } from './client.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from './server.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
});

afterAll(async () => {
  await supabase.stop();
  await database.drop();
});

const PASSWORD = 'correct horse battery';

async function signUp(email = uniqueEmail()) {
  const client = supabaseClient(supabase);
  const { data, error } = await client.auth.signUp({
    email,
    password: PASSWORD,
    options: { data: { display_name: 'Ada' } },
  });
  expect(error).toBeNull();
  return { client, email, session: data.session ?? expect.unreachable('sign-up returned no session') };
}

/** GET /auth/v1/user on the wire: the status and error code GoTrue would answer. */
async function fetchUser(token: string | undefined) {
  const response = await fetch(`${supabase.url}/auth/v1/user`, {
    headers: { apikey: supabase.anonKey, Authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as { code?: string };
  return { status: response.status, code: body.code };
}

describe('sign-up', () => {
  it('creates a confirmed user, a session, and the operator profile; stores only a password hash', async () => {
    const { email, session } = await signUp();

    expect(session.user.email).toBe(email);
    expect(session.expires_in).toBe(3600);
    expect(session.refresh_token).toMatch(/^[\w-]{16,}$/);
    const { rows } = await database.query<{ encrypted_password: string; email_confirmed_at: Date | null }>(
      'select encrypted_password, email_confirmed_at from auth.users where email = $1',
      [email],
    );
    expect(rows[0]?.email_confirmed_at).toBeInstanceOf(Date);
    expect(rows[0]?.encrypted_password).toMatch(/^\$scrypt\$/);
    expect(rows[0]?.encrypted_password).not.toContain(PASSWORD);
    const profile = await database.query('select email, display_name from public.profiles where id = $1', [
      session.user.id,
    ]);
    expect(profile.rows).toEqual([{ email, display_name: 'Ada' }]);
  });

  it('refuses a taken email with user_already_exists', async () => {
    const { email } = await signUp();
    const { error } = await supabaseClient(supabase).auth.signUp({ email, password: PASSWORD });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ status: 422, code: 'user_already_exists' });
  });

  it('refuses a short password as a weak password', async () => {
    const { error } = await supabaseClient(supabase).auth.signUp({ email: uniqueEmail(), password: '123' });
    expect(error).toBeInstanceOf(AuthWeakPasswordError);
    expect(error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length'] });
  });

  it('refuses an invalid email address', async () => {
    const { error } = await supabaseClient(supabase).auth.signUp({
      email: 'not-an-email',
      password: PASSWORD,
    });
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});

describe('sign-in and tokens', () => {
  it('signs in with the right password and refuses a wrong one', async () => {
    const { email } = await signUp();
    const client = supabaseClient(supabase);

    const wrong = await client.auth.signInWithPassword({ email, password: 'not it at all' });
    expect(wrong.error).toMatchObject({
      status: 400,
      code: 'invalid_credentials',
      message: 'Invalid login credentials',
    });

    const right = await client.auth.signInWithPassword({ email: email.toUpperCase(), password: PASSWORD });
    expect(right.error).toBeNull();
    expect(right.data.user?.email).toBe(email);
  });

  it("issues ES256 tokens with Supabase's claims that getClaims verifies through the JWKS", async () => {
    const { client, session } = await signUp();
    const { data, error } = await client.auth.getClaims(session.access_token);
    expect(error).toBeNull();
    expect(data?.header).toMatchObject({ alg: 'ES256', kid: supabase.keys.kid });
    expect(data?.claims).toMatchObject({
      iss: `${supabase.url}/auth/v1`,
      sub: session.user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: session.user.email,
      aal: 'aal1',
      is_anonymous: false,
    });
    expect(data?.claims.session_id).toEqual(expect.any(String));
    expect((data?.claims.exp ?? 0) - (data?.claims.iat ?? 0)).toBe(3600);
  });

  it('answers getUser with the bare user and rejects a forged token with bad_jwt', async () => {
    const { client, session } = await signUp();
    const user = await client.auth.getUser(session.access_token);
    expect(user.data.user?.id).toBe(session.user.id);

    const [header, payload] = session.access_token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const rejected = await client.auth.getUser(forged);
    expect(rejected.error).toMatchObject({ status: 403, code: 'bad_jwt' });
  });

  it('rotates refresh tokens, allows reuse only within the reuse window, then ends the session', async () => {
    const { client, session } = await signUp();
    const first = await client.auth.refreshSession({ refresh_token: session.refresh_token });
    expect(first.error).toBeNull();
    const rotated = first.data.session?.refresh_token;
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe(session.refresh_token);

    // A second tab refreshing with the old token inside the window gets the current one.
    const concurrent = await supabaseClient(supabase).auth.refreshSession({
      refresh_token: session.refresh_token,
    });
    expect(concurrent.data.session?.refresh_token).toBe(rotated);

    // Later, past the window (GoTrue's 10 s): the old token's rotation is moved back in time
    // rather than waited for, so a busy machine cannot stretch "inside" or "later".
    await database.query(
      "update auth.refresh_tokens set updated_at = updated_at - interval '1 minute' where token = $1",
      [session.refresh_token],
    );
    const replay = await supabaseClient(supabase).auth.refreshSession({
      refresh_token: session.refresh_token,
    });
    expect(replay.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' });
    expect(await fetchUser(first.data.session?.access_token)).toMatchObject({
      status: 403,
      code: 'session_not_found',
    });
  });

  it('refuses an unknown refresh token', async () => {
    const { error } = await supabaseClient(supabase).auth.refreshSession({
      refresh_token: 'nope-nope-nope-nope',
    });
    expect(error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
  });

  it('signs out globally: the old access token no longer has a session', async () => {
    const { email } = await signUp();
    const client = supabaseClient(supabase);
    const { data } = await client.auth.signInWithPassword({ email, password: PASSWORD });
    const token = data.session?.access_token;
    expect((await client.auth.signOut()).error).toBeNull();
    expect(await fetchUser(token)).toMatchObject({ status: 403, code: 'session_not_found' });
    // supabase-js turns that answer into "signed out".
    const after = await supabaseClient(supabase).auth.getUser(token);
    expect(after.error?.name).toBe('AuthSessionMissingError');
  });

  it('refuses requests without the project API key', async () => {
    const response = await fetch(`${supabase.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.c', password: PASSWORD }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Invalid API key' });
  });

  it('answers CORS preflights for browsers on another origin and exposes the API version header', async () => {
    const response = await fetch(`${supabase.url}/auth/v1/token?grant_type=password`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Headers': 'apikey,x-client-info' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-client-info');
    expect(response.headers.get('access-control-expose-headers')).toContain('X-Supabase-Api-Version');
  });
});

describe('@supabase/ssr cookies', () => {
  function cookieJar() {
    const jar = new Map<string, string>();
    return {
      jar,
      client: () =>
        createServerClient(supabase.url, supabase.anonKey, {
          cookies: {
            getAll: () => [...jar].map(([name, value]) => ({ name, value })),
            setAll: (cookies) => {
              for (const { name, value } of cookies) {
                if (value) jar.set(name, value);
                else jar.delete(name);
              }
            },
          },
          realtime: { transport: ws as unknown as typeof WebSocket },
        }),
    };
  }

  it('keeps the session in the sb-127-auth-token cookie across requests and clears it on sign-out', async () => {
    const { email } = await signUp();
    const { jar, client } = cookieJar();

    const signIn = await client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(signIn.error).toBeNull();
    expect(jar.get('sb-127-auth-token')).toMatch(/^base64-/);

    const nextRequest = await client().auth.getUser();
    expect(nextRequest.data.user?.email).toBe(email);

    await client().auth.signOut();
    expect([...jar.keys()].filter((name) => name.startsWith('sb-127-auth-token'))).toEqual([]);
  });
});
