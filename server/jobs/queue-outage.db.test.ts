// A job that ends while the queue's tables cannot be reached (the database is away) is reported,
// not left as an unhandled rejection that would end the worker process; it stays active, and
// expires to be retried once the database is back.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { startQueue } from './queue.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

it('reports a job it could not mark completed, and the worker goes on', async () => {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  const boss = await startQueue({ url: database.appUrl, jobs: [], role: 'web' });
  try {
    await boss.createQueue('outage-test');
    let runs = 0;
    const reported = new Promise<void>((resolve) => boss.once('error', () => resolve()));
    await boss.work('outage-test', { pollingIntervalSeconds: 0.5 }, async () => {
      runs += 1;
      // While the job runs, its queue's tables go out of reach, as when Postgres stops: marking it
      // completed fails.
      await database.query('alter schema pgboss rename to pgboss_away');
    });
    const id = await boss.send('outage-test', {});
    await reported;
    await database.query('alter schema pgboss_away rename to pgboss');
    expect(runs).toBe(1);
    expect(logged).toHaveBeenCalledWith(
      expect.stringMatching(/^queue: relation "pgboss\.job" does not exist/),
    );
    // Not completed: it is still the queue's to retry once it expires.
    const { rows } = await database.query<{ state: string }>('select state from pgboss.job where id = $1', [
      id,
    ]);
    expect(rows).toEqual([{ state: 'active' }]);
  } finally {
    // Already back unless an assertion failed first.
    await database.query('alter schema pgboss_away rename to pgboss').catch(() => {});
    await boss.stop({ graceful: false, wait: true });
    logged.mockRestore();
  }
});
