// `npm run bench:export`: the memory a 100,000-lead CSV export costs the server. Seeds the leads
// set-based, then downloads the whole export through the route's response body (streamed, a
// batch of 1,000 at a time), and, as the baseline measured in the same run, the same export with
// every row read into one array and the CSV built whole before anything is sent (what a
// non-streaming export does). Each is measured in a fresh process of its own, since a process's
// resident memory rarely shrinks: its peak RSS growth (collections left to V8), then its peak
// live heap (after a full collection at each chunk the client receives). Prints both, and
// streamed / baseline as a ratio.
import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { ephemeralClusterDir } from '#dev/postgres.ts';
import { startLocalStack } from '#dev/stack.ts';
import { signUpOperator } from '#dev/test/operators.ts';
import { type Actor, createDatabase, type Database } from '#server/db/database.ts';
import { csvExportResponse, EXPORT_BATCH_SIZE, exportLeads } from '#server/exports/index.ts';
import { createWorkspace } from '#server/team/index.ts';

const LEADS = Number(process.env.BENCH_LEADS ?? 100_000);
/** How often RSS is sampled between chunks (a batch's rows are read and written in between). */
const SAMPLE_EVERY_MS = 2;

type Mode = 'streamed' | 'baseline';

interface Job {
  mode: Mode;
  databaseUrl: string;
  workspaceId: string;
  actor: Actor;
}

interface Measured {
  /** Peak growth over the start, in bytes. */
  rss: number;
  heap: number;
  bytes: number;
}

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

// ---- One measurement, in a process of its own ----

type Export = (atChunk: () => void) => Promise<number>;

function exportOf(db: Database, job: Job): Export {
  if (job.mode === 'streamed') {
    // The route's response, read to the end as a client would, a chunk at a time.
    return async (atChunk) => {
      const response = await csvExportResponse(db, job.actor, {
        kind: 'leads',
        workspaceId: job.workspaceId,
        searchParams: new URLSearchParams(),
      });
      let bytes = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        atChunk();
      }
      return bytes;
    };
  }
  // Every row in one array (one batch of all of them), the CSV built whole, then handed on.
  return async (atChunk) => {
    const csv = await exportLeads(db, job.actor, job.workspaceId, {}, { batchSize: LEADS + 1 });
    const parts: string[] = [];
    for await (const chunk of csv.chunks) {
      parts.push(chunk);
      atChunk();
    }
    return Buffer.byteLength(parts.join(''));
  };
}

async function measureIn(job: Job): Promise<Measured> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('The measuring process needs --expose-gc');
  const db = createDatabase({ url: job.databaseUrl, poolSize: 2 });
  try {
    const run = exportOf(db, job);
    // Loads every module and opens the connection: an export that matches nothing.
    await exportLeads(db, job.actor, job.workspaceId, { source: 'IMPORTED' });

    gc();
    const rssStart = process.memoryUsage.rss();
    let rss = Number.NEGATIVE_INFINITY;
    const sample = () => {
      rss = Math.max(rss, process.memoryUsage.rss() - rssStart);
    };
    const sampler = setInterval(sample, SAMPLE_EVERY_MS);
    const bytes = await run(sample).finally(() => clearInterval(sampler));

    gc();
    const heapStart = process.memoryUsage().heapUsed;
    // Growth may be negative: the start's heap can hold what a later collection frees.
    let heap = Number.NEGATIVE_INFINITY;
    await run(() => {
      gc();
      heap = Math.max(heap, process.memoryUsage().heapUsed - heapStart);
    });
    return { rss, heap, bytes };
  } finally {
    await db.destroy();
  }
}

/** Runs `job` in a fresh process (this file again) and reads what it measured. */
function measureInChild(job: Job): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename], {
      env: { ...process.env, BENCH_EXPORT_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(output) as Measured);
      else reject(new Error(`the ${job.mode} measurement exited with ${code}`));
    });
  });
}

// ---- The run: a database, 100k leads, both measurements ----

async function main() {
  const stack = await startLocalStack({
    dataDir: await ephemeralClusterDir('bench-export'),
    ephemeral: true,
  });
  const databaseUrl = stack.env.DATABASE_URL as string;
  const db = createDatabase({ url: databaseUrl, poolSize: 2 });
  try {
    const operator = await signUpOperator(stack.supabase, 'bench');
    const workspace = await createWorkspace(db, operator.actor, 'Export bench');
    progress(`seeding ${LEADS.toLocaleString('en')} leads`);
    await db.withService(async (trx) => {
      await sql`insert into channel_connections (workspace_id, login_path, channel_identifier, display_name)
                values (${workspace.id}, 'instagram', '17841400000077777', '@bench')`.execute(trx);
      // Set-based: one statement, no row-by-row round trips; text of a realistic width.
      await sql`insert into leads (workspace_id, channel_connection_id, contact_identifier, name, username,
                                   source, source_ref, source_ad_id, origin_at, created_at)
                select ${workspace.id}, cc.id, '5900000' || lpad(n::text, 10, '0'), 'Customer number ' || n,
                       'customer_' || n, case when n % 4 = 0 then 'AD' else 'DM' end,
                       case when n % 4 = 0 then 'spring-sale-' || (n % 7) end,
                       case when n % 4 = 0 then '1202100000' || (n % 97) end,
                       now() - n * interval '1 minute', now() - n * interval '1 minute'
                  from channel_connections cc, generate_series(1, ${LEADS}::int) n
                 where cc.workspace_id = ${workspace.id}`.execute(trx);
    });
    await db.withService((trx) => sql`analyze leads`.execute(trx));

    const job = { databaseUrl, workspaceId: workspace.id, actor: operator.actor };
    progress('streamed export');
    const streamed = await measureInChild({ ...job, mode: 'streamed' });
    progress('baseline: every row in one array');
    const baseline = await measureInChild({ ...job, mode: 'baseline' });

    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2).padStart(8)} MB`;
    const ratio = (a: number, b: number) => (a / b).toFixed(3);
    console.log(`
Export memory: ${LEADS.toLocaleString('en')} leads, ${mb(streamed.bytes).trim()} of CSV, peak growth over the start
(each in a fresh process; RSS sampled every ${SAMPLE_EVERY_MS} ms and at each chunk, live heap after a full
collection at each chunk the client receives)

                                          RSS     live heap
  streamed, batches of ${EXPORT_BATCH_SIZE.toLocaleString('en')}        ${mb(streamed.rss)}   ${mb(streamed.heap)}
  one array (baseline)              ${mb(baseline.rss)}   ${mb(baseline.heap)}

  streamed / baseline               RSS ${ratio(streamed.rss, baseline.rss)}   live heap ${ratio(streamed.heap, baseline.heap)}
`);
    if (streamed.bytes !== baseline.bytes) {
      console.error(`The two exports differ: ${streamed.bytes} and ${baseline.bytes} bytes`);
      process.exitCode = 1;
    }
  } finally {
    await db.destroy();
    await stack.stop();
  }
}

const job = process.env.BENCH_EXPORT_JOB;
if (job) process.stdout.write(JSON.stringify(await measureIn(JSON.parse(job) as Job)));
else await main();
