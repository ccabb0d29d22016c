// A pool's end() returns only once its connections have closed, so a database stopped or dropped
// right after cannot cut one off (pg's own pool.end() returns as soon as it has asked them to). A
// connection Postgres drops, even one checked out inside a transaction, fails its work without
// taking the process down, and the pool carries on with a new one.
import type pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { createPool } from './pool.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** A pool of the test database, and the connections it has opened and seen close. */
function watchedPool() {
  const { pool, end } = createPool({ label: 'test pool', connectionString: database.appUrl, max: 3 });
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

it('survives Postgres dropping a connection checked out inside a transaction, and goes on with a new one', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const { pool, end, opened } = watchedPool();
  try {
    const client = await pool.connect();
    await client.query('begin');
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const gone = new Promise((resolve) => client.once('end', resolve));
    // What a restart or failover does: Postgres ends the session with a FATAL message, which
    // reaches the client as an 'error' event while no query of its own is running.
    await database.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
    await gone;
    await expect(client.query('select 1')).rejects.toThrow();
    client.release();
    expect((await pool.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
    expect(opened).toHaveLength(2);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^test pool: connection lost \(terminating connection/),
    );
  } finally {
    await end();
    warn.mockRestore();
  }
});
