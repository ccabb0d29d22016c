// A deployment to break on purpose, for fault tests and `npm run bench:faults`: the local stack on
// a PostgreSQL cluster of its own (it is stopped under load, which no other test may notice), the
// production web server over build/ (run `npm run build` first) and worker processes, each of
// which can be killed and started again, and a record of every exit nobody asked for: a crash.
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createPool } from '#server/db/pool.ts';
import { connectInstagramAccount, messagesInInbox, type Queryable } from './intake-audit.ts';
import { ephemeralClusterDir, freePort } from './postgres.ts';
import {
  localServerEnv,
  startWebServer,
  startWorkerProcess,
  stopProcessWithin,
  waitForHttp,
} from './processes.ts';
import { type LocalStack, startLocalStack } from './stack.ts';
import { eventually } from './test/eventually.ts';
import { startWebhookFlood, type WebhookFlood } from './webhook-flood.ts';

export interface ProcessExit {
  name: string;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface FaultStack {
  stack: LocalStack;
  /** The environment the web server and the workers run with. */
  env: Record<string, string | undefined>;
  baseUrl: string;
  webhookUrl: string;
  /** A connected account (no token) in a workspace of its own, to deliver messages to. */
  account: { igId: string; workspaceId: string; connectionId: string };
  /** The database as its superuser, through a pool that survives the database going away. */
  db: Queryable;
  /** The web server now running. */
  web(): ChildProcess;
  /** The worker processes now running, oldest first. */
  workers(): ChildProcess[];
  /** Starts a web server on the same port (once the last one is gone); resolves when it answers. */
  startWeb(): Promise<ChildProcess>;
  startWorker(): ChildProcess;
  /** Meta's deliveries to the account, signed, from `customers` customers (picked at random). */
  flood(options: { customers: number; deliveries: number; label: string; seed?: number }): WebhookFlood;
  /** Resolves once a worker is at work: a message delivered now is in the inbox (a worker takes seconds to start). */
  ingesting(): Promise<void>;
  /** SIGKILL, as the kernel or a platform kills: the process hands nothing back. Waits until it is gone. */
  kill(child: ChildProcess): Promise<void>;
  /** Processes that exited without being killed or stopped by this stack. */
  readonly crashes: readonly ProcessExit[];
  /** What the processes printed, each line prefixed with the process's name (the last 5000 lines). */
  readonly output: readonly string[];
  /** Stops every process (killing one that does not stop within 10 s) and removes the cluster. */
  stop(): Promise<void>;
}

export interface FaultStackOptions {
  /** Names the folder in .local the cluster lives in, e.g. `e2e-faults`. */
  kind: string;
  /** Variables added to the app's environment. */
  env?: Record<string, string>;
  /** Passes every line the processes print to stderr as well. */
  echo?: boolean;
}

const OUTPUT_LINES = 5000;

export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const dataDir = await ephemeralClusterDir(options.kind);
  const stack = await startLocalStack({ dataDir, ephemeral: true });
  const { pool, end: endPool } = createPool({
    label: 'fault stack',
    connectionString: stack.postgres.superuserUrl(),
    max: 3,
  });
  const port = await freePort();
  const env = { ...localServerEnv(stack.env, port), ...options.env };
  const baseUrl = env.APP_URL as string;
  const output: string[] = [];
  const crashes: ProcessExit[] = [];
  const running = new Set<ChildProcess>();
  const intended = new WeakSet<ChildProcess>();
  let web: ChildProcess | undefined;
  let workerCount = 0;
  let probes = 0;

  function track(child: ChildProcess, name: string): ChildProcess {
    running.add(child);
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        const tagged = `${name}[${child.pid}] ${line}`;
        output.push(tagged);
        if (output.length > OUTPUT_LINES) output.shift();
        if (options.echo) process.stderr.write(`${tagged}\n`);
      });
    }
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (!intended.has(child)) crashes.push({ name, pid: child.pid ?? 0, code, signal });
    });
    return child;
  }

  async function startWeb(): Promise<ChildProcess> {
    const child = track(startWebServer(env, ['ignore', 'pipe', 'pipe']), 'web');
    web = child;
    await waitForHttp(`${baseUrl}/sign-in`, child);
    return child;
  }

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      for (const child of running) intended.add(child);
      await Promise.all([...running].map((child) => stopProcessWithin(child, 10_000)));
      await endPool();
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true }); // the cluster's own folder is gone already
    })();
    return stopped;
  };

  try {
    const account = await connectInstagramAccount(pool);
    await startWeb();
    const flood: FaultStack['flood'] = ({ customers, ...rest }) =>
      startWebhookFlood({
        url: `${baseUrl}/api/instagram/webhook`,
        secret: env.INSTAGRAM_APP_SECRET as string,
        account: account.igId,
        customers: Array.from({ length: customers }, (_, i) => `5820000000${String(i).padStart(6, '0')}`),
        ...rest,
      });
    return {
      stack,
      env,
      baseUrl,
      webhookUrl: `${baseUrl}/api/instagram/webhook`,
      account,
      db: pool,
      web: () => web as ChildProcess,
      workers: () => [...running].filter((child) => child !== web),
      startWeb,
      startWorker: () =>
        track(startWorkerProcess(env, ['ignore', 'pipe', 'pipe']), `worker-${++workerCount}`),
      flood,
      async ingesting() {
        const probe = flood({ customers: 1, deliveries: 1, label: `probe-${++probes}` });
        await probe.done;
        await eventually(async () => (await messagesInInbox(pool, probe.acked)) === 1, 60_000);
      },
      async kill(child) {
        if (child.exitCode !== null || child.signalCode !== null) return;
        intended.add(child);
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      },
      crashes,
      output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
