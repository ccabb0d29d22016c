// What the app's server-side Supabase client sends Auth and sets in the browser: the session
// cookie lasts 14 days (not @supabase/ssr's 400), is `Secure` when the app is served over https
// and SameSite=Lax; and each sign-in carries the client's address, not the app server's, so that
// Auth's per-address limit applies to each client.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { CLIENT_ADDRESS_HEADER } from '../http/client-address.ts';
import { createSupabaseServerClient } from './supabase-server-client.ts';

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

async function signIn(appUrl: string, headers: Record<string, string> = {}) {
  const responseHeaders = new Headers();
  const request = new Request(`${appUrl}/sign-in`, { method: 'POST', headers });
  const client = createSupabaseServerClient(request, responseHeaders, {
    supabaseUrl: supabase.url,
    anonKey: supabase.anonKey,
    appUrl,
  });
  const { error } = await client.auth.signInWithPassword({
    email: operator.email,
    password: operator.password,
  });
  expect(error).toBeNull();
  return responseHeaders.getSetCookie();
}

it('sets a Secure, SameSite=Lax session cookie for 14 days when the app is served over https', async () => {
  const [cookie] = await signIn('https://inbox.example.com');
  expect(cookie).toMatch(/^sb-127-auth-token=base64-/);
  expect(cookie).toContain('Max-Age=1209600');
  expect(cookie).toContain('SameSite=Lax');
  expect(cookie).toContain('Secure');
  expect(cookie).not.toContain('HttpOnly'); // the browser's Realtime client reads it
});

it('leaves out Secure over plain http, so local development keeps its session', async () => {
  const [cookie] = await signIn('http://127.0.0.1:3000');
  expect(cookie).toContain('Max-Age=1209600');
  expect(cookie).not.toContain('Secure');
});

it('tells Auth the client’s address with each sign-in', async () => {
  await signIn('http://127.0.0.1:3000', { [CLIENT_ADDRESS_HEADER]: '203.0.113.7' });
  expect(supabase.signInAddresses.get(operator.email)).toBe('203.0.113.7');
  // Without a known client address Auth sees the app server's, as before.
  await signIn('http://127.0.0.1:3000');
  expect(supabase.signInAddresses.get(operator.email)).toBe('127.0.0.1');
});
