// Starts what a deployment runs, on this machine: the local stack (PostgreSQL, Supabase stand-in,
// Meta simulator), the production build under remix-serve and the worker process, all configured
// only through env.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ephemeralClusterDir, freePort } from '#dev/postgres.ts';
import { type LocalStack, startLocalStack } from '#dev/stack.ts';

const REMIX_SERVE = createRequire(import.meta.url).resolve('@remix-run/serve/dist/cli.js');

async function waitForHttp(url: string, app: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`the app exited with code ${app.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`the app did not answer at ${url} within ${timeoutMs} ms`);
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

export default async function globalSetup() {
  const stack: LocalStack = await startLocalStack({
    dataDir: await ephemeralClusterDir('e2e'),
    ephemeral: true,
  });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...stack.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
  };
  const app = spawn(process.execPath, [REMIX_SERVE, './build/server/index.js'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const worker = spawn(process.execPath, ['--import', 'tsx', 'server/jobs/worker-main.ts'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/sign-in`, app);
  stack.meta.setWebhookUrl(`${baseUrl}/api/instagram/webhook`);

  process.env.E2E_BASE_URL = baseUrl;
  process.env.E2E_SUPABASE_URL = stack.supabase.url;
  process.env.E2E_SUPABASE_ANON_KEY = stack.supabase.anonKey;
  process.env.E2E_META_URL = stack.meta.url;

  return async () => {
    await Promise.all([stopped(app), stopped(worker)]);
    await stack.stop();
  };
}
