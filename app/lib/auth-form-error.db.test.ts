// The sign-in form while Supabase Auth cannot reach its database: supabase-js reports the failure
// with the message "{}", which the form showed as is; it is a 503 that says to try again shortly.
// Known refusals keep their own words.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { supabaseClient } from '#dev/supabase/client.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { type SupabaseBehindProxy, startSupabaseBehindProxy } from '#dev/test/supabase-behind-proxy.ts';
import { authFormError } from './auth-form-error.server.ts';

let database: TestDatabase;
let away: SupabaseBehindProxy;

beforeAll(async () => {
  database = await createTestDatabase();
  away = await startSupabaseBehindProxy(database);
});

afterAll(async () => {
  await away?.stop();
  await database?.drop();
});

const MESSAGES = { invalid_credentials: 'Wrong email or password.' };

async function signInRefusal(password: string) {
  const { error } = await supabaseClient(away.standIn).auth.signInWithPassword({
    email: away.operator.email,
    password,
  });
  if (!error) throw new Error('expected the sign-in to be refused');
  return error;
}

it('says a wrong password in its own words', async () => {
  expect(authFormError(await signInRefusal('wrong-password'), MESSAGES)).toEqual({
    status: 400,
    message: 'Wrong email or password.',
  });
});

it('says to try again shortly while Auth cannot reach its database', async () => {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  await away.proxy.refuse();
  try {
    const refusal = await signInRefusal(away.operator.password);
    expect(refusal.message).toBe('{}'); // what the form used to show
    expect(authFormError(refusal, MESSAGES)).toEqual({
      status: 503,
      message: 'The sign-in service is temporarily unavailable. Try again in a few seconds.',
      retryAfter: '5',
    });
  } finally {
    await away.proxy.restore();
    error.mockRestore();
    warn.mockRestore();
  }
});
