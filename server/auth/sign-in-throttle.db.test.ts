// The sign-in throttle against the real table its migration makes: wrong passwords lock an account
// and an address, a success forgets the account's count, and two app processes (two database
// clients) count together.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { createDatabase, type Database } from '../db/database.ts';
import { createSignInThrottle, type SignInLimits } from './sign-in-throttle.ts';

const LIMITS: SignInLimits = {
  perAccount: 3,
  perAddress: 5,
  windowSeconds: 900,
  signUpsPerAddress: 2,
  signUpWindowSeconds: 3600,
};

let database: TestDatabase;
let otherProcess: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  otherProcess = createDatabase({ url: database.appUrl, poolSize: 2 });
});

afterAll(async () => {
  await otherProcess?.destroy();
  await database?.drop();
});

it('locks an account after its wrong passwords, for the rest of the window, across processes', async () => {
  const here = createSignInThrottle(database.db, LIMITS);
  const there = createSignInThrottle(otherProcess, LIMITS);
  const attempt = (address: string) => ({ email: 'Owner@Example.test', address });

  await here.signInFailed(attempt('203.0.113.1'));
  await there.signInFailed(attempt('203.0.113.2'));
  expect(await here.waitBeforeSignIn(attempt('203.0.113.3'))).toBeNull();
  await here.signInFailed(attempt('203.0.113.3'));

  // Three wrong passwords from three addresses and two processes: the account waits, whatever
  // address or spelling of the email comes next.
  const wait = await there.waitBeforeSignIn({ email: ' owner@example.TEST ', address: '198.51.100.9' });
  expect(wait).toBeGreaterThan(890);
  expect(wait).toBeLessThanOrEqual(900);
  // Another account is not affected.
  expect(await here.waitBeforeSignIn({ email: 'agent@example.test', address: '198.51.100.9' })).toBeNull();
});

it('forgets an account’s wrong passwords once it signs in', async () => {
  const throttle = createSignInThrottle(database.db, LIMITS);
  const attempt = { email: 'forgetful@example.test', address: '203.0.113.20' };
  await throttle.signInFailed(attempt);
  await throttle.signInFailed(attempt);
  await throttle.signInSucceeded(attempt);
  await throttle.signInFailed(attempt);
  await throttle.signInFailed(attempt);
  expect(await throttle.waitBeforeSignIn(attempt)).toBeNull();
});

it('locks an address that guesses at many accounts, an IPv6 client by its /64', async () => {
  const throttle = createSignInThrottle(database.db, LIMITS);
  for (let i = 0; i < 5; i++) {
    await throttle.signInFailed({ email: `victim-${i}@example.test`, address: `2001:db8:1:2::${i + 1}` });
  }
  expect(
    await throttle.waitBeforeSignIn({ email: 'new@example.test', address: '2001:db8:1:2:ffff::9' }),
  ).toBeGreaterThan(0);
  expect(
    await throttle.waitBeforeSignIn({ email: 'new@example.test', address: '2001:db8:1:3::1' }),
  ).toBeNull();
  // Without a known address only the account counts.
  expect(await throttle.waitBeforeSignIn({ email: 'new@example.test', address: null })).toBeNull();
});

it('counts sign-ups per address', async () => {
  const throttle = createSignInThrottle(database.db, LIMITS);
  expect(await throttle.waitBeforeSignUp('203.0.113.40')).toBeNull();
  expect(await throttle.waitBeforeSignUp('203.0.113.40')).toBeNull();
  expect(await throttle.waitBeforeSignUp('203.0.113.40')).toBeGreaterThan(3590);
  expect(await throttle.waitBeforeSignUp('203.0.113.41')).toBeNull();
});

it('keeps neither emails nor addresses, and no API role can read the counts', async () => {
  const { rows } = await database.query<{ key: string }>('select key from private.sign_in_attempts');
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.map((row) => row.key).join(' ')).not.toMatch(/example|203\.0|2001/);
  const { rows: grants } = await database.query(
    `select grantee from information_schema.role_table_grants
     where table_schema = 'private' and table_name = 'sign_in_attempts' and grantee in ('anon', 'authenticated')`,
  );
  expect(grants).toEqual([]);
});
