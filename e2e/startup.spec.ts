// The production server refuses to start on a bad configuration and names the variable.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { expect, test } from '@playwright/test';

const REMIX_SERVE = createRequire(import.meta.url).resolve('@remix-run/serve/dist/cli.js');

function startServer(
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [REMIX_SERVE, './build/server/index.js'], {
      env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', ...env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const META = {
  INSTAGRAM_APP_ID: '990000000000001',
  INSTAGRAM_APP_SECRET: 'ig-app-secret-0123456789',
  INSTAGRAM_VERIFY_TOKEN: 'verify-token-0123456789',
  TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

test('refuses to start without DATABASE_URL, naming it', async () => {
  const { code, stderr } = await startServer({
    SUPABASE_URL: 'http://127.0.0.1:1',
    SUPABASE_ANON_KEY: 'sb_publishable_0123456789abcdef',
    ...META,
  });
  expect(code).not.toBe(0);
  expect(stderr).toContain('DATABASE_URL is required but not set');
});

test('refuses to start with an invalid SUPABASE_URL, naming it', async () => {
  const { code, stderr } = await startServer({
    DATABASE_URL: 'postgres://postgres:x@127.0.0.1:1/postgres',
    SUPABASE_URL: 'not a url',
    SUPABASE_ANON_KEY: 'sb_publishable_0123456789abcdef',
    ...META,
  });
  expect(code).not.toBe(0);
  expect(stderr).toContain('SUPABASE_URL must be an http(s) URL');
});
