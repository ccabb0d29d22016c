// Every scheduled job runs: what pg-boss's cron enqueues (the data the schedule was given) is
// accepted by the job and completes, as it would when its time comes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import { createServices, type Services } from '../services.ts';
import { startWorkers, type Workers } from '../worker.ts';
import { startQueue } from './queue.ts';

let database: TestDatabase;
let services: Services;
let workers: Workers;

beforeAll(async () => {
  database = await createTestDatabase();
  services = createServices(testEnv(database));
  workers = await startWorkers(services);
});

afterAll(async () => {
  await workers?.stop();
  await services?.close();
  await database?.drop();
});

it('runs each scheduled job with the data its schedule enqueues', async () => {
  const { rows: schedules } = await database.query<{ name: string; data: object | null }>(
    'select name, data from pgboss.schedule order by name',
  );
  expect(schedules.map((s) => s.name)).toEqual([
    'purge-expired',
    'push-expo-receipts',
    'push-prune-deliveries',
    'reconcile-accounts',
    'refresh-tokens',
  ]);
  const boss = await startQueue({ url: database.appUrl, jobs: [], role: 'web' });
  try {
    for (const schedule of schedules) {
      // What the cron monitor does when the time comes.
      const id = (await boss.send(schedule.name, schedule.data as object)) as string;
      let state = 'created';
      for (let polls = 0; polls < 400 && !['completed', 'failed', 'retry'].includes(state); polls++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        const { rows } = await database.query<{ state: string }>(
          'select state from pgboss.job where id = $1',
          [id],
        );
        state = rows[0]?.state ?? state;
      }
      expect(state, schedule.name).toBe('completed');
    }
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
});

it('drops the schedule of a job an earlier release had and this one retired, when a worker starts', async () => {
  const boss = await startQueue({ url: database.appUrl, jobs: [], role: 'web' });
  try {
    // The five-minute sweep that the send job's dead-letter queue replaced.
    await boss.createQueue('requeue-stranded-replies');
    await boss.schedule('requeue-stranded-replies', '*/5 * * * *', {});
    const another = await startWorkers(services);
    await another.stop();
    const { rows } = await database.query<{ name: string }>('select name from pgboss.schedule order by name');
    expect(rows.map((row) => row.name)).toEqual([
      'purge-expired',
      'push-expo-receipts',
      'push-prune-deliveries',
      'reconcile-accounts',
      'refresh-tokens',
    ]);
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
});
