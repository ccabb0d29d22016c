// A run killed with SIGKILL leaves its cluster running; the next run must stop and remove it. A
// project in a folder the OS user `postgres` cannot reach (under /root, as root) still gets its
// clusters. And loading the launcher must not change how a process exits.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, lstat, mkdtemp, readFile, readlink, realpath, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanStaleClusters,
  LOCAL_ROOT,
  packagedNativeDir,
  SHARED_ROOT,
  sharedFolderFor,
  startPostgres,
} from './postgres.ts';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

describe('cleanStaleClusters', () => {
  it('stops the postmaster of a cluster whose owner process is gone and removes its folder', async () => {
    const parent = path.join(LOCAL_ROOT, 'stale-test');
    // 2^22 + 1 is above Linux's default pid_max, so no live process owns this folder.
    const dataDir = path.join(parent, `${2 ** 22 + 1}-orphan`);
    await startPostgres({ dataDir, ephemeral: false });
    const postmaster = await postmasterPid(dataDir);
    expect(isRunning(postmaster)).toBe(true);

    await cleanStaleClusters(parent);

    expect(isRunning(postmaster)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    expect(existsSync(`${dataDir}.password`)).toBe(false);
  });

  it('leaves clusters of live processes alone', async () => {
    const parent = path.join(LOCAL_ROOT, 'stale-test');
    const dataDir = path.join(parent, `${process.pid}-mine`);
    const cluster = await startPostgres({ dataDir, ephemeral: true });
    try {
      await cleanStaleClusters(parent);
      expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(true);
    } finally {
      await cluster.stop();
    }
  });
});

describe('a project folder the OS user `postgres` cannot reach', () => {
  // As root, PostgreSQL runs as `postgres`, who cannot enter a 0700 folder of root's (here a
  // temporary one, standing for /root): the project's binaries and clusters are put in it.
  const asRoot = userInfo().uid === 0;
  let project = '';
  let nativeDir = '';
  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'pg-unreachable-'));
    const pkg = path.join(project, 'node_modules', 'postgres-binaries');
    await cp(path.join(packagedNativeDir(), '..', 'package.json'), path.join(pkg, 'package.json'));
    nativeDir = path.join(pkg, 'native');
    await cp(packagedNativeDir(), nativeDir, { recursive: true, verbatimSymlinks: true });
  });
  afterAll(async () => {
    // The binaries' copy is shared by every clone of this version, so it stays.
    for (const folder of [path.join(project, '.local', 'test'), path.join(project, '.local', 'stale')]) {
      await rm(sharedFolderFor(folder), { recursive: true, force: true });
    }
    await rm(project, { recursive: true, force: true });
  });

  it('runs a cluster from binaries and a data folder that user can reach, outside the project', async () => {
    const dataDir = path.join(project, '.local', 'test', `${process.pid}-cluster`);
    const cluster = await startPostgres({ dataDir, ephemeral: true, nativeDir });
    let dataFolder = '';
    try {
      const client = new pg.Client({ connectionString: cluster.superuserUrl() });
      await client.connect();
      dataFolder = (await client.query('show data_directory')).rows[0].data_directory;
      await client.end();
      const binary = await readlink(`/proc/${await postmasterPid(dataDir)}/exe`);

      expect(dataFolder).toBe(await realpath(dataDir));
      expect(dataFolder.startsWith(`${SHARED_ROOT}/`)).toBe(asRoot);
      expect(binary.startsWith(`${SHARED_ROOT}/`)).toBe(asRoot);
      // The password stays beside the data folder, in the project, for the app alone.
      expect(existsSync(`${dataDir}.password`)).toBe(true);
    } finally {
      await cluster.stop();
    }
    expect(await lstat(dataDir).catch(() => undefined)).toBeUndefined();
    expect(existsSync(dataFolder)).toBe(false);
  });

  it('stops and removes a stale cluster and the folder it was moved to', async () => {
    const parent = path.join(project, '.local', 'stale');
    const dataDir = path.join(parent, `${2 ** 22 + 1}-orphan`);
    await startPostgres({ dataDir, nativeDir });
    const dataFolder = await realpath(dataDir);
    const postmaster = await postmasterPid(dataDir);
    expect(isRunning(postmaster)).toBe(true);

    await cleanStaleClusters(parent);

    expect(isRunning(postmaster)).toBe(false);
    expect(await lstat(dataDir).catch(() => undefined)).toBeUndefined();
    expect(existsSync(dataFolder)).toBe(false);
    expect(existsSync(`${dataDir}.password`)).toBe(false);
  });
});

describe('pause and resume', () => {
  it('cuts every session while paused, then serves the same data on the same port', async () => {
    const dataDir = path.join(LOCAL_ROOT, 'pause-test', `${process.pid}-cluster`);
    const cluster = await startPostgres({ dataDir, ephemeral: true });
    const query = async (text: string) => {
      const client = new pg.Client({ connectionString: cluster.superuserUrl() });
      client.on('error', () => {}); // the session cut by the pause below
      await client.connect();
      try {
        return (await client.query(text)).rows;
      } finally {
        await client.end();
      }
    };
    const session = new pg.Client({ connectionString: cluster.superuserUrl() });
    try {
      await query('create table kept (n int); insert into kept values (7)');
      session.on('error', () => {});
      await session.connect();
      const cut = new Promise((resolve) => session.once('end', resolve));

      await cluster.pause();
      await cut;
      await expect(query('select 1')).rejects.toThrow(/ECONNREFUSED/);

      await cluster.resume();
      expect(await query('select n from kept')).toEqual([{ n: 7 }]);
    } finally {
      await cluster.stop();
    }
    expect(existsSync(dataDir)).toBe(false);
  });
});

it('keeps the exit code a program chose', async () => {
  // A failed vitest run sets process.exitCode = 1 and lets the event loop drain.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "await import('./dev/postgres.ts'); process.exitCode = 3;",
    ],
    { cwd: path.resolve(import.meta.dirname, '..'), stdio: 'ignore' },
  );
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(code).toBe(3);
});
