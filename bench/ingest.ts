// `npm run bench:ingest`: sustained signed webhook load against the production build, compared
// with a bare server that only checks the signature (the floor), measured in the same run.
// Prints acknowledged events/s, ack latency, the time until every acknowledged event is
// ingested, and lost/duplicated events (both must be 0).
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import pg from 'pg';
import { ephemeralClusterDir, freePort } from '#dev/postgres.ts';
import {
  localServerEnv,
  startScript,
  startWebServer,
  startWorkerProcess,
  stopProcess,
  waitForHttp,
} from '#dev/processes.ts';
import { startLocalStack } from '#dev/stack.ts';
import { signedTextDelivery, type TextDelivery } from '#dev/webhook-deliveries.ts';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const FIXED_RATE = 500;
/** Worker processes draining the backlog (more than one shows what a second process adds). */
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
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

const children: ChildProcess[] = [];
const appPort = await freePort();
const appEnv = localServerEnv(stack.env, appPort);
const web = startWebServer(appEnv);
children.push(web, ...Array.from({ length: WORKERS }, () => startWorkerProcess(appEnv)));
const floorPort = await freePort();
const floor = startScript(
  'bench/floor-server.ts',
  { ...process.env, PORT: String(floorPort), BENCH_SECRET: secret },
  ['ignore', 'ignore', 'inherit'],
);
children.push(floor);
const appUrl = `http://127.0.0.1:${appPort}/api/instagram/webhook`;
const floorUrl = `http://127.0.0.1:${floorPort}/api/instagram/webhook`;
await Promise.all([waitForHttp(appUrl, web), waitForHttp(floorUrl, floor)]);

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

async function load(url: string, options: { overallRate?: number } = {}): Promise<Run> {
  const acked: string[] = [];
  const result = await autocannon({
    url,
    method: 'POST',
    connections: options.overallRate ? 20 : CONNECTIONS,
    duration: DURATION_S,
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
    requestsPerSecond: result.requests.average - result.non2xx / DURATION_S,
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

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

try {
  progress('warming up');
  // Warm both servers (JIT, connection pools) before measuring.
  await autocannon({ url: floorUrl, method: 'POST', duration: 2, connections: 10, body: '{}' });
  await autocannon({ url: appUrl, method: 'POST', duration: 2, connections: 10, body: '{}' });

  progress('floor');
  const floor = await load(floorUrl);
  progress('app, as fast as it acknowledges');
  const app = await load(appUrl);
  const appEnded = performance.now();
  await ingestDone();
  const drainSeconds = (performance.now() - appEnded) / 1000;
  progress(`app at ${FIXED_RATE} events/s`);
  const steady = await load(appUrl, { overallRate: FIXED_RATE });
  await ingestDone();

  const acked = [...app.acked, ...steady.acked];
  const { rows } = await db.query<{ mid: string; n: number }>(
    'select external_message_id as mid, count(*)::int as n from conversation_messages group by 1',
  );
  const stored = new Map(rows.map((r) => [r.mid, r.n]));
  const lost = acked.filter((mid) => !stored.has(mid)).length;
  const duplicated = rows.filter((r) => r.n > 1).length;

  const fmt = (n: number) => n.toFixed(1).padStart(9);
  console.log(`
Ingest benchmark: ${CONNECTIONS} connections × ${DURATION_S} s, one message per signed POST

                                  events/s   p50 ms   p99 ms   non-2xx
  floor (verify + 200, no store) ${fmt(floor.requestsPerSecond)} ${fmt(floor.p50)} ${fmt(floor.p99)} ${String(floor.non2xx).padStart(8)}
  app (durable ack)              ${fmt(app.requestsPerSecond)} ${fmt(app.p50)} ${fmt(app.p99)} ${String(app.non2xx).padStart(8)}
  app at ${FIXED_RATE} events/s             ${fmt(steady.requestsPerSecond)} ${fmt(steady.p50)} ${fmt(steady.p99)} ${String(steady.non2xx).padStart(8)}

  durable ack throughput / floor:   ${(app.requestsPerSecond / floor.requestsPerSecond).toFixed(2)}   (aim ≥ 0.50)
  p99 ack latency at ${FIXED_RATE}/s:         ${steady.p99.toFixed(1)} ms   (aim < 25 ms)
  all acked events ingested after:  ${drainSeconds.toFixed(1)} s past the end of the load
  ingest rate, ${WORKERS} worker process(es):  ${(app.acked.length / (DURATION_S + drainSeconds)).toFixed(0)} events/s (load and drain)
  acknowledged events:              ${acked.length}
  lost (acked, not stored):         ${lost}
  duplicated (stored twice):        ${duplicated}
`);
  process.exitCode = lost === 0 && duplicated === 0 ? 0 : 1;
} finally {
  await Promise.all(children.map(stopProcess));
  await db.end();
  await stack.stop();
}
