// A pool's end() returns only once its connections have closed, so a database stopped or dropped
// right after cannot cut one off (pg's own pool.end() returns as soon as it has asked them to).
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { createPool } from './pool.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** A pool of the test database, and the connections it has opened and seen close. */
function watchedPool() {
  const { pool, end } = createPool({ connectionString: database.appUrl, max: 3 });
  const opened: pg.PoolClient[] = [];
  const closed = new Set<pg.PoolClient>();
  pool.on('connect', (client) => {
    opened.push(client);
    client.once('end', () => closed.add(client));
  });
  return { pool, end, opened, closed };
}

it('ends once its idle connections have closed', async () => {
  const { pool, end, opened, closed } = watchedPool();
  await Promise.all([pool.query('select 1'), pool.query('select 1')]); // two connections, now idle
  await end();
  expect(opened).toHaveLength(2);
  expect(closed.size).toBe(2);
});

it('waits for a connection in use, then for it to close', async () => {
  const { pool, end, opened, closed } = watchedPool();
  const busy = await pool.connect();
  const running = busy.query('select pg_sleep(0.1)').finally(() => busy.release());
  await end();
  await running;
  expect(opened).toHaveLength(1);
  expect(closed.size).toBe(1);
});
