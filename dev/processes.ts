// The processes a deployment runs, started from the built app the way `npm run serve` and
// `npm run worker` start them, for browser tests and benchmarks.
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The environment of a web server (and its workers) on the local stack, listening on `port`. */
export function localServerEnv(
  stackEnv: Record<string, string>,
  port: number,
): Record<string, string | undefined> {
  return {
    ...process.env,
    ...stackEnv,
    APP_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    HOST: '127.0.0.1',
  };
}

/**
 * A TypeScript entry point of this repository, run by Node through tsx, configured only by `env`:
 * it reads no .env file unless `env` names one in ENV_FILE.
 */
export function startScript(
  entry: string,
  env: Record<string, string | undefined>,
  stdio: StdioOptions,
): ChildProcess {
  const configured: Record<string, string | undefined> = { ENV_FILE: '', ...env };
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    cwd: ROOT,
    env: configured as NodeJS.ProcessEnv,
    stdio,
  });
}

/** The production web server over `build/` (run `npm run build` first). */
export function startWebServer(
  env: Record<string, string | undefined>,
  stdio: StdioOptions = ['ignore', 'ignore', 'inherit'],
) {
  return startScript('app/server.ts', { ...env, NODE_ENV: 'production' }, stdio);
}

export function startWorkerProcess(
  env: Record<string, string | undefined>,
  stdio: StdioOptions = ['ignore', 'ignore', 'inherit'],
) {
  return startScript('server/worker-main.ts', env, stdio);
}

export async function waitForHttp(url: string, process: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.exitCode !== null) throw new Error(`the server exited with code ${process.exitCode}`);
    if (
      await fetch(url).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing answered at ${url} within ${timeoutMs} ms`);
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

/**
 * A worker process that has started taking jobs: it prints one line when it has (its stdout is
 * piped for that; other output is passed through).
 */
export async function startReadyWorker(
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<ChildProcess> {
  const child = startWorkerProcess(env, ['ignore', 'pipe', 'inherit']);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the worker did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (code) => reject(new Error(`the worker exited with code ${code} while starting`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker: running')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

/** Like stopProcess, but a process still running `graceMs` after SIGTERM is killed outright. */
export async function stopProcessWithin(child: ChildProcess, graceMs: number): Promise<void> {
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await stopProcess(child);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `cleanup` once when this process is told to stop (Ctrl-C, SIGTERM, a closed terminal), then
 * exits as the signal would have. Without it the signal ends the process at once, and neither its
 * child processes nor its PostgreSQL cluster (a process group of its own) are stopped.
 */
export function cleanUpOnSignals(cleanup: () => Promise<void>): void {
  let cleaning = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (cleaning) return; // a second Ctrl-C waits for the first clean-up
      cleaning = true;
      process.stderr.write(`\n${signal}: stopping every process this one started\n`);
      void cleanup().finally(() => process.exit(128 + osConstants.signals[signal]));
    });
  }
}
