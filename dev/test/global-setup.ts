// One PostgreSQL cluster per test run. The migrated template database is cloned into a fresh
// database for every test file (CREATE DATABASE … TEMPLATE takes tens of milliseconds).
import type { TestProject } from 'vitest/node';
import { startQueue } from '#server/jobs/queue.ts';
import { JOBS } from '#server/services.ts';
import { applyMigrations, applyShim, ensureDatabase } from '../migrate.ts';
import { ephemeralClusterDir, type LocalPostgres, startPostgres } from '../postgres.ts';

export const TEMPLATE_DATABASE = 'app_template';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: { port: number; password: string };
  }
}

let cluster: LocalPostgres | undefined;

export async function setup(project: TestProject) {
  cluster = await startPostgres({ dataDir: await ephemeralClusterDir('test'), ephemeral: true });
  await ensureDatabase(cluster.superuserUrl(), TEMPLATE_DATABASE);
  await applyShim(cluster.superuserUrl(TEMPLATE_DATABASE), cluster.password);
  await applyMigrations(cluster.appUrl(TEMPLATE_DATABASE));
  // Install the queue's schema once, so no test file pays for it.
  const queue = await startQueue({
    url: cluster.appUrl(TEMPLATE_DATABASE),
    jobs: JOBS,
    role: 'web',
  });
  await queue.stop({ graceful: false, wait: true });
  project.provide('postgres', { port: cluster.port, password: cluster.password });
}

export async function teardown() {
  await cluster?.stop();
}
