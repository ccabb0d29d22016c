// Each way Postgres goes away, as the app's own database client reports it, is recognised as
// "unavailable" (so requests answer 503 and streams wait), and errors that are the request's own
// fault are not. A connect that gets no answer gives up after a bound instead of hanging.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, inject, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { type DatabaseProxy, startDatabaseProxy } from '#dev/test/database-proxy.ts';
import { createDatabase, type Database } from './database.ts';
import { isDatabaseUnavailable } from './unavailable.ts';

let database: TestDatabase;
let proxy: DatabaseProxy;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  proxy = await startDatabaseProxy({ port: inject('postgres').port });
  db = createDatabase({ url: proxy.urlFor(database.appUrl), poolSize: 2, connectTimeoutMs: 300 });
  vi.spyOn(console, 'warn').mockImplementation(() => {}); // the pool reports each lost connection
});

afterAll(async () => {
  await proxy?.restore();
  await db?.destroy();
  await proxy?.close();
  await database?.drop();
  vi.restoreAllMocks();
});

/** The error a query through the app's client fails with. */
async function failure(query: () => Promise<unknown>): Promise<unknown> {
  try {
    await query();
  } catch (error) {
    return error;
  }
  throw new Error('expected the query to fail');
}

const selectOne = () => db.withService((trx) => sql`select 1`.execute(trx));

it.each([
  ['refuses connections', () => proxy.refuse()],
  ['is starting up (57P03)', () => proxy.starting()],
  ['does not answer (connect timeout)', () => proxy.stall()],
])('recognises a database that %s, and works again once it is back', async (_, takeAway) => {
  await selectOne();
  await takeAway();
  const started = Date.now();
  try {
    expect(isDatabaseUnavailable(await failure(selectOne))).toBe(true);
  } finally {
    await proxy.restore();
  }
  expect(Date.now() - started).toBeLessThan(5000);
  await selectOne();
});

it('recognises a connection dropped in the middle of a transaction', async () => {
  const error = failure(() =>
    db.withService(async (trx) => {
      await sql`select 1`.execute(trx);
      await proxy.refuse();
      await sql`select 2`.execute(trx);
    }),
  );
  try {
    expect(isDatabaseUnavailable(await error)).toBe(true);
  } finally {
    await proxy.restore();
  }
});

it('recognises a session Postgres terminates (57P01)', async () => {
  const error = failure(() =>
    db.withService(async (trx) => {
      await sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);
    }),
  );
  expect(isDatabaseUnavailable(await error)).toBe(true);
  await selectOne();
});

it('does not mistake the request’s own errors for an outage', async () => {
  const errors = await Promise.all([
    failure(() => db.withService((trx) => sql`select nonsense from nowhere`.execute(trx))),
    failure(() => db.withService((trx) => sql`select 1 / 0`.execute(trx))),
    failure(() =>
      db.withService(async (trx) => {
        await sql`set local statement_timeout = '10ms'`.execute(trx);
        await sql`select pg_sleep(1)`.execute(trx);
      }),
    ),
  ]);
  expect(errors.map((error) => isDatabaseUnavailable(error))).toEqual([false, false, false]);
  expect(isDatabaseUnavailable(new Error('anything'))).toBe(false);
  expect(isDatabaseUnavailable(undefined)).toBe(false);
});
