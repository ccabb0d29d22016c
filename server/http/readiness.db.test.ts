// The readiness check says what is reachable: both with a working database, neither when it is
// away (a closed port), and the database without the queue when the queue's tables are gone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '#dev/postgres.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { createDatabase } from '../db/database.ts';
import { checkReadiness } from './readiness.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

it('is ready when the database and the queue answer', async () => {
  expect(await checkReadiness(database.db)).toEqual({ ready: true, database: 'ok', queue: 'ok' });
});

it('is not ready when the queue is missing, or the database is away', async () => {
  await database.query('alter schema pgboss rename to pgboss_away');
  try {
    expect(await checkReadiness(database.db)).toEqual({ ready: false, database: 'ok', queue: 'unreachable' });
  } finally {
    await database.query('alter schema pgboss_away rename to pgboss');
  }
  const away = createDatabase({ url: `postgres://postgres:x@127.0.0.1:${await freePort()}/postgres` });
  try {
    expect(await checkReadiness(away)).toEqual({
      ready: false,
      database: 'unreachable',
      queue: 'unreachable',
    });
  } finally {
    await away.destroy();
  }
});
