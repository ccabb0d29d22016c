// The production server and the worker refuse to start on a bad configuration and name the
// variable, whether it came from the environment or the .env file.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startWebServer, startWorkerProcess } from '#dev/processes.ts';
import { CONFIGURATION_POINTING_NOWHERE } from '#dev/test/env.ts';

const VALID = CONFIGURATION_POINTING_NOWHERE;

function run(
  env: Record<string, string | undefined>,
  start: typeof startWebServer = startWebServer,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child: ChildProcess = start(
      { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', ...env },
      'pipe',
    );
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

test('refuses to start without DATABASE_URL, naming it', async () => {
  const { code, stderr } = await run({ ...VALID, DATABASE_URL: undefined });
  expect(code).not.toBe(0);
  expect(stderr).toContain('DATABASE_URL is required but not set');
});

test('refuses to start with an invalid SUPABASE_URL, naming it', async () => {
  const { code, stderr } = await run({ ...VALID, SUPABASE_URL: 'not a url' });
  expect(code).not.toBe(0);
  expect(stderr).toContain('SUPABASE_URL must be an http(s) URL');
});

test('refuses to start with a malformed token encryption key, naming it', async () => {
  const { code, stderr } = await run({ ...VALID, TOKEN_ENCRYPTION_KEYS: 'k1:tooshort' });
  expect(code).not.toBe(0);
  expect(stderr).toContain('TOKEN_ENCRYPTION_KEYS key "k1" must be 32 bytes');
});

for (const [name, start] of [
  ['server', startWebServer],
  ['worker', startWorkerProcess],
] as const) {
  test(`the ${name} reads .env, and names a bad variable found there`, async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'env-file-'));
    try {
      const file = path.join(folder, '.env');
      await writeFile(file, 'DATABASE_URL=mysql://root@127.0.0.1/app\n');
      const { code, stderr } = await run({ ...VALID, DATABASE_URL: undefined, ENV_FILE: file }, start);
      expect(code).not.toBe(0);
      expect(stderr).toContain('DATABASE_URL must be a postgres:// connection string');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
}
