// `npm run bench:ingest`: sustained signed webhook load against the production build, compared
// with a bare server that only checks the signature (the floor), measured in the same run.
//
// 1. The durable ack: as fast as it acknowledges, and at a fixed 500 events/s, first with nothing
//    else running, then with one worker process ingesting on the same machine meanwhile (what
//    sharing the two cores with ingest costs the ack).
// 2. Ingest alone, for 1, 2 and 3 worker processes (BENCH_WORKERS, e.g. "1,2,3"): a backlog is
//    acknowledged with no worker running, then the workers are started together and timed until
//    the backlog is applied (from the first job taken to the last delivery settled, on the
//    database's clock).
// 3. Scale-out (BENCH_WEB web processes and the largest worker count, on one Postgres): the load
//    split over the web processes while the workers ingest; acknowledged and applied events/s.
// Every phase checks its acknowledged events: lost (acked, never stored) and duplicated (stored
// twice) must both be 0; the exit code says so.
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import pg from 'pg';
import { ephemeralClusterDir, freePort } from '#dev/postgres.ts';
import {
  cleanUpOnSignals,
  localServerEnv,
  startReadyWorker,
  startScript,
  startWebServer,
  stopProcess,
  waitForHttp,
} from '#dev/processes.ts';
import { startLocalStack } from '#dev/stack.ts';
import { signedTextDelivery, type TextDelivery } from '#dev/webhook-deliveries.ts';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const FIXED_RATE = 500;
/** Worker counts whose ingest rate is measured, each on its own backlog. */
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1,2,3').split(',').map(Number);
/** Events in each backlog: enough that starting the workers is a small part of the time. */
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 15_000);
const WEB_PROCESSES = Number(process.env.BENCH_WEB ?? 2);
const IG = '17841400000009999';
const CUSTOMERS = 200;

const stack = await startLocalStack({ dataDir: await ephemeralClusterDir('bench'), ephemeral: true });
const secret = stack.env.INSTAGRAM_APP_SECRET as string;
const db = new pg.Pool({ connectionString: stack.env.DATABASE_URL, max: 2 });
await db.query(
  `with w as (insert into workspaces (name) values ('Bench') returning id)
   insert into channel_connections (workspace_id, login_path, channel_identifier) select id, 'instagram', $1 from w`,
  [IG],
);

const children = new Set<ChildProcess>();
const stopAll = async () => {
  await Promise.all([...children].map(stopProcess));
  children.clear();
};
cleanUpOnSignals(async () => {
  await stopAll();
  await stack.stop();
});

const webs = await Promise.all(
  Array.from({ length: WEB_PROCESSES }, async () => {
    const env = localServerEnv(stack.env, await freePort());
    const child = startWebServer(env);
    children.add(child);
    const url = `${env.APP_URL}/api/instagram/webhook`;
    await waitForHttp(url, child);
    return { env, url };
  }),
);
const [first] = webs as [(typeof webs)[number]];
const floorPort = await freePort();
const floor = startScript(
  'bench/floor-server.ts',
  { ...process.env, PORT: String(floorPort), BENCH_SECRET: secret },
  ['ignore', 'ignore', 'inherit'],
);
children.add(floor);
const floorUrl = `http://127.0.0.1:${floorPort}/api/instagram/webhook`;
await waitForHttp(floorUrl, floor);

let workers: ChildProcess[] = [];
async function startWorkers(count: number): Promise<void> {
  workers = await Promise.all(Array.from({ length: count }, () => startReadyWorker(first.env)));
  for (const worker of workers) children.add(worker);
}
async function stopWorkers(): Promise<void> {
  await Promise.all(workers.map(stopProcess));
  for (const worker of workers) children.delete(worker);
  workers = [];
}

/** One signed delivery with one new message; its mid is remembered when the server acks it. */
function delivery(): TextDelivery {
  const customer = `5900000000${String(Math.floor(Math.random() * CUSTOMERS)).padStart(6, '0')}`;
  return signedTextDelivery({ account: IG, customer, text: 'Do you ship to Lisbon?', secret });
}

interface Run {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  acked: string[];
}

async function load(
  url: string,
  options: { overallRate?: number; amount?: number; connections?: number } = {},
): Promise<Run> {
  const acked: string[] = [];
  const result = await autocannon({
    url,
    method: 'POST',
    connections: options.connections ?? (options.overallRate ? 20 : CONNECTIONS),
    ...(options.amount ? { amount: options.amount } : { duration: DURATION_S }),
    overallRate: options.overallRate,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest(request, context) {
          const next = delivery();
          (context as { mid?: string }).mid = next.mid;
          return {
            ...request,
            body: next.body,
            headers: { ...request.headers, 'x-hub-signature-256': next.signature },
          };
        },
        onResponse(status, _body, context) {
          const { mid } = context as { mid?: string };
          if (status === 200 && mid) acked.push(mid);
        },
      },
    ],
  });
  return {
    requestsPerSecond: acked.length / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    acked,
  };
}

async function ingestDone(): Promise<void> {
  for (let polls = 0; ; polls++) {
    const { rows } = await db.query<{ waiting: string }>(
      `select (select count(*) from webhook_events where status = 'RECEIVED')
            + (select count(*) from pgboss.job where state in ('created', 'retry', 'active')) as waiting`,
    );
    if (Number(rows[0]?.waiting) === 0) return;
    if (polls % 50 === 0) progress(`waiting for ingest: ${rows[0]?.waiting} deliveries/jobs left`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Acknowledged messages not stored, and messages stored more than once. */
async function audit(acked: string[]): Promise<{ lost: number; duplicated: number }> {
  const { rows } = await db.query<{ mid: string; n: number }>(
    'select external_message_id as mid, count(*)::int as n from conversation_messages where external_message_id = any($1) group by 1',
    [acked],
  );
  const stored = new Map(rows.map((r) => [r.mid, r.n]));
  return {
    lost: acked.filter((mid) => !stored.has(mid)).length,
    duplicated: rows.filter((r) => r.n > 1).length,
  };
}

/** Seconds from the first ingest job taken after `since` to the last delivery settled. */
async function ingestSeconds(since: Date): Promise<number> {
  const { rows } = await db.query<{ seconds: number }>(
    `select extract(epoch from
              (select max(processed_at) from webhook_events where received_at >= $1)
            - (select min(started_on) from pgboss.job where name = 'ingest-webhook-events' and created_on >= $1)
            )::float8 as seconds`,
    [since],
  );
  return Number(rows[0]?.seconds);
}

const dbNow = async () =>
  (await db.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]?.now as Date;
const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);
const fmt = (n: number) => n.toFixed(1).padStart(9);
const row = (label: string, run: Run) =>
  `  ${label.padEnd(31)}${fmt(run.requestsPerSecond)} ${fmt(run.p50)} ${fmt(run.p99)} ${String(run.non2xx).padStart(8)}`;
const checks: { lost: number; duplicated: number }[] = [];

try {
  progress('warming up');
  // Warm both servers (JIT, connection pools) before measuring.
  await autocannon({ url: floorUrl, method: 'POST', duration: 2, connections: 10, body: '{}' });
  await autocannon({ url: first.url, method: 'POST', duration: 2, connections: 10, body: '{}' });

  progress('floor');
  const floorRun = await load(floorUrl);
  progress('app, as fast as it acknowledges, nothing ingesting');
  const alone = await load(first.url);
  progress(`app at ${FIXED_RATE} events/s, nothing ingesting`);
  const steadyAlone = await load(first.url, { overallRate: FIXED_RATE });
  await startWorkers(1);
  await ingestDone();
  progress('app, as fast as it acknowledges, one worker ingesting');
  const app = await load(first.url);
  await ingestDone();
  progress(`app at ${FIXED_RATE} events/s, one worker ingesting`);
  const steady = await load(first.url, { overallRate: FIXED_RATE });
  await ingestDone();
  const ackCheck = await audit([...alone.acked, ...steadyAlone.acked, ...app.acked, ...steady.acked]);
  checks.push(ackCheck);
  await stopWorkers();

  const ingest: { workers: number; events: number; seconds: number; lost: number; duplicated: number }[] = [];
  for (const count of WORKER_COUNTS) {
    progress(`backlog of ${BACKLOG} events for ${count} worker(s), acknowledged with no worker running`);
    const since = await dbNow();
    const backlog = await load(first.url, { amount: BACKLOG });
    await startWorkers(count);
    await ingestDone();
    const seconds = await ingestSeconds(since);
    const { rows: jobs } = await db.query<{ name: string; n: number }>(
      'select name, count(*)::int as n from pgboss.job where created_on >= $1 group by 1 order by 1',
      [since],
    );
    progress(
      `${count} worker(s): ${jobs.map((j) => `${j.n} ${j.name} jobs`).join(', ')} for ${BACKLOG} events`,
    );
    const check = await audit(backlog.acked);
    checks.push(check);
    ingest.push({ workers: count, events: backlog.acked.length, seconds, ...check });
    await stopWorkers();
  }

  const scaleWorkers = Math.max(...WORKER_COUNTS);
  progress(`scale-out: ${webs.length} web processes and ${scaleWorkers} workers`);
  await startWorkers(scaleWorkers);
  const split = Math.max(1, Math.floor(CONNECTIONS / webs.length));
  const scaleStarted = performance.now();
  const scaleRuns = await Promise.all(webs.map((web) => load(web.url, { connections: split })));
  const loadEnded = performance.now();
  await ingestDone();
  const drainSeconds = (performance.now() - loadEnded) / 1000;
  const scaleSeconds = (performance.now() - scaleStarted) / 1000;
  const scaleAcked = scaleRuns.flatMap((run) => run.acked);
  const scaleCheck = await audit(scaleAcked);
  checks.push(scaleCheck);
  await stopWorkers();

  const baseline = ingest[0];
  console.log(`
Ingest benchmark: ${CONNECTIONS} connections × ${DURATION_S} s, one message per signed POST, ${CUSTOMERS} customers

                                  events/s   p50 ms   p99 ms   non-2xx
${row('floor (verify + 200, no store)', floorRun)}
${row('app (durable ack), alone', alone)}
${row(`app at ${FIXED_RATE} events/s, alone`, steadyAlone)}
${row('app (durable ack), ingesting', app)}
${row(`app at ${FIXED_RATE} events/s, ingesting`, steady)}

  durable ack throughput / floor:   ${(alone.requestsPerSecond / floorRun.requestsPerSecond).toFixed(2)} alone, ${(app.requestsPerSecond / floorRun.requestsPerSecond).toFixed(2)} with one worker ingesting   (aim ≥ 0.50)
  p99 ack latency at ${FIXED_RATE}/s:         ${steadyAlone.p99.toFixed(1)} ms alone, ${steady.p99.toFixed(1)} ms with one worker ingesting   (aim ≤ 25 ms while ingesting)
  lost / duplicated:                ${ackCheck.lost} / ${ackCheck.duplicated}

  Ingest of a ${BACKLOG}-event backlog (first job taken → last delivery settled)
  workers   events/s   × one worker   lost   duplicated
${ingest
  .map(
    (r) =>
      `  ${String(r.workers).padStart(7)} ${fmt(r.events / r.seconds).padStart(10)} ${(r.events / r.seconds / ((baseline?.events ?? 1) / (baseline?.seconds ?? 1))).toFixed(2).padStart(14)} ${String(r.lost).padStart(6)} ${String(r.duplicated).padStart(12)}`,
  )
  .join('\n')}

  Scale-out: ${webs.length} web processes, ${scaleWorkers} workers, one Postgres, ${split} connections each × ${DURATION_S} s
  acknowledged:                     ${(scaleAcked.length / ((loadEnded - scaleStarted) / 1000)).toFixed(0)} events/s (${(scaleAcked.length / ((loadEnded - scaleStarted) / 1000) / floorRun.requestsPerSecond).toFixed(2)} × the floor)
  applied (load and drain):         ${(scaleAcked.length / scaleSeconds).toFixed(0)} events/s, all in the inbox ${drainSeconds.toFixed(1)} s after the load
  lost / duplicated:                ${scaleCheck.lost} / ${scaleCheck.duplicated}
`);
  process.exitCode = checks.every((c) => c.lost === 0 && c.duplicated === 0) ? 0 : 1;
} finally {
  await stopAll();
  await db.end();
  await stack.stop();
}
