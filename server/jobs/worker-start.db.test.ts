// A worker started while the database is away (a deploy during a Postgres restart) keeps trying
// instead of exiting, starts taking jobs once the database is back, and still stops cleanly when
// told to while it waits. A web process's queue, too, starts once the database is back.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startWorkerProcess } from '#dev/processes.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { type DatabaseProxy, startDatabaseProxy } from '#dev/test/database-proxy.ts';
import { testEnvVars } from '#dev/test/env.ts';
import { eventually } from '#dev/test/eventually.ts';
import { parseEnv } from '../env.ts';
import { createServices } from '../services.ts';

let database: TestDatabase;
let proxy: DatabaseProxy;
let env: Record<string, string>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  proxy = await startDatabaseProxy({ port: inject('postgres').port });
  env = testEnvVars({ ...database, appUrl: proxy.urlFor(database.appUrl) });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await proxy?.close();
  await database?.drop();
});

/** A worker process whose output the test reads. */
function startWorker() {
  const child = startWorkerProcess({ ...process.env, ...env }, ['ignore', 'pipe', 'pipe']);
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

it('waits for the database instead of exiting, then runs', async () => {
  await proxy.refuse();
  const worker = startWorker();
  await eventually(() => worker.output().includes('the database cannot be reached'), 60_000);
  expect(worker.child.exitCode).toBeNull();
  await proxy.restore();
  await eventually(() => worker.output().includes('worker: running background jobs'), 60_000);
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
}, 120_000);

it('told to stop while it waits for the database, exits 0', async () => {
  await proxy.refuse();
  const worker = startWorker();
  await eventually(() => worker.output().includes('the database cannot be reached'), 60_000);
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  expect(worker.output()).not.toContain('worker: running');
}, 120_000);

it("a web process's queue that could not start tries again on its next use", async () => {
  const services = createServices(parseEnv(env));
  try {
    await proxy.refuse();
    await expect(services.queue()).rejects.toThrow();
    await proxy.restore();
    await expect(services.queue()).resolves.toBeDefined();
  } finally {
    await services.close();
  }
});
