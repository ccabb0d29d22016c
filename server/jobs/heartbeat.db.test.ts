// A running job is renewed while it runs: it may take many times the job timeout and still runs
// once, while a job its worker no longer renews (dead, or hung past the limit) is handed to
// another run soon after the timeout.
import type PgBoss from 'pg-boss';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { eventually } from '#dev/test/eventually.ts';
import { type JobHeartbeat, startJobHeartbeat } from './heartbeat.ts';
import { QUEUE_SCHEMA, startQueue } from './queue.ts';

const TIMEOUT_SECONDS = 2;

let database: TestDatabase;
let boss: PgBoss;
let heartbeat: JobHeartbeat | undefined;
beforeAll(async () => {
  database = await createTestDatabase();
  boss = await startQueue({
    url: database.appUrl,
    jobs: [],
    role: 'worker',
    jobTimeoutSeconds: TIMEOUT_SECONDS,
  });
});
afterEach(() => heartbeat?.stop());
afterAll(async () => {
  await boss.stop({ graceful: false, wait: true });
  await database.drop();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the one job of a new queue with `handler`, renewed by `heartbeat`; lists its runs. */
async function workOn(queue: string, handler: () => Promise<void>) {
  await boss.createQueue(queue, {
    name: queue,
    expireInSeconds: TIMEOUT_SECONDS,
    retryLimit: 5,
    retryDelay: 1,
  });
  const runs: string[] = [];
  // Two workers, as a process runs several of each job: a hung one blocks only its own loop.
  for (let i = 0; i < 2; i++) {
    await boss.work(queue, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (!job || !heartbeat) return;
      runs.push(job.id);
      const done = heartbeat.track(queue, job.id);
      try {
        await handler();
      } finally {
        done();
      }
    });
  }
  return { runs, id: (await boss.send(queue, {})) as string };
}

const jobState = async (id: string) =>
  (
    await database.query<{ state: string; retry_count: number }>(
      `select state, retry_count from ${QUEUE_SCHEMA}.job where id = $1`,
      [id],
    )
  ).rows[0];

it('a job running for several timeouts, renewed meanwhile, runs once and completes', async () => {
  heartbeat = startJobHeartbeat(boss, { schema: QUEUE_SCHEMA, timeoutSeconds: TIMEOUT_SECONDS });
  const { runs, id } = await workOn('long-job', () => sleep(TIMEOUT_SECONDS * 3 * 1000));
  await eventually(async () => (await jobState(id))?.state === 'completed', 30_000);
  expect(runs).toEqual([id]);
  expect(await jobState(id)).toEqual({ state: 'completed', retry_count: 0 });
});

it('a job hung past the longest run is no longer renewed: it expires and runs again', async () => {
  heartbeat = startJobHeartbeat(boss, {
    schema: QUEUE_SCHEMA,
    timeoutSeconds: TIMEOUT_SECONDS,
    maxRunSeconds: 1,
  });
  let firstRun = true;
  const { runs, id } = await workOn('hung-job', async () => {
    if (firstRun) {
      firstRun = false;
      await new Promise(() => {}); // never settles
    }
  });
  await eventually(async () => (await jobState(id))?.state === 'completed', 30_000);
  expect(runs).toEqual([id, id]);
  expect(await jobState(id)).toEqual({ state: 'completed', retry_count: 1 });
});
