// A web and a worker process started together on a database without the queue installed (a
// first deployment): both come up, every time.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { JOBS } from '../services.ts';
import { startQueue } from './queue.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

it('installs the queue once when a web and a worker process start at the same moment', async () => {
  // Side by side, pg-boss's own set-up deadlocked about one start in four; ten rounds catch it.
  for (let round = 0; round < 10; round++) {
    await database.query('drop schema if exists pgboss cascade');
    const started = await Promise.allSettled([
      startQueue({ url: database.appUrl, jobs: JOBS, role: 'web' }),
      startQueue({ url: database.appUrl, jobs: JOBS, role: 'worker' }),
    ]);
    for (const outcome of started) {
      if (outcome.status === 'fulfilled') await outcome.value.stop({ graceful: false, wait: true });
    }
    expect(started.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
    const { rows } = await database.query<{ name: string }>('select name from pgboss.queue');
    expect(rows.map((row) => row.name)).toEqual(expect.arrayContaining(JOBS.map((job) => job.queue)));
  }
}, 120_000);
