// `npm run bench:history`: history backfill, missed-webhook recovery and the retention purge, each
// beside a baseline measured in the same run (the machine is shared and noisy):
//  - backfill of an account's conversations (20 messages each) at Meta's pace (the simulator
//    enforces 2 Conversations API calls a second; the import takes its 1.5 share), in messages/s,
//    against the ceiling that pace allows and against the same import with no limit at all;
//  - a reconciliation of an account whose webhooks were partly dropped: its time, and the time of
//    one with nothing new (the hourly case);
//  - the daily purge of a large workspace's old messages in batches, in rows/s, against one
//    unbatched DELETE of as many rows.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ephemeralClusterDir, freePort } from '#dev/postgres.ts';
import { localServerEnv } from '#dev/processes.ts';
import { startLocalStack } from '#dev/stack.ts';
import { serveFetch } from '#dev/test/serve-fetch.ts';
import { parseEnv } from '#server/env.ts';
import { startHistoryImport } from '#server/history/index.ts';
import { receiveDelivery } from '#server/ingest/index.ts';
import { sealToken } from '#server/meta/graph-api.ts';
import { purgeExpired } from '#server/retention/index.ts';
import { createServices, type Services } from '#server/services.ts';
import { startWorkers } from '#server/worker.ts';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 40);
const MESSAGES = 20;
const PURGE_ROWS = Number(process.env.BENCH_PURGE_ROWS ?? 200_000);
const MINUTE = 60_000;

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

const stack = await startLocalStack({ dataDir: await ephemeralClusterDir('bench-history'), ephemeral: true });
const { meta } = stack;
const env = localServerEnv(stack.env, await freePort()) as Record<string, string>;
const paced = createServices(parseEnv({ ...env, RUN_JOBS_AT_START: 'false' }));
const unlimited = createServices(
  parseEnv({ ...env, RUN_JOBS_AT_START: 'false', HISTORY_CALLS_PER_SECOND: '1000' }),
);
const server = await serveFetch((request) =>
  receiveDelivery(request, paced.webhookEndpoint, paced.webhookLedger),
);
meta.setWebhookUrl(`${server.url}/api/instagram/webhook`);
let n = 0;

const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
const sql = async <R>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as R[];

async function connect(services: Services) {
  n += 1;
  const account = meta.addAccount({ username: `bench.history.${n}` });
  const [workspace] = await sql<{ id: string }>(
    "insert into workspaces (name) values ('Bench') returning id",
  );
  const workspaceId = workspace?.id as string;
  const id = randomUUID();
  await sql(
    `insert into channel_connections (id, workspace_id, login_path, channel_identifier, display_name, access_token)
     values ($1, $2, 'instagram', $3, $4, $5)`,
    [
      id,
      workspaceId,
      account.igId,
      `@${account.username}`,
      sealToken(services.cipher, id, account.accessToken),
    ],
  );
  return { account, workspaceId, connectionId: id };
}

function seed(igId: string, conversations: number) {
  const now = Date.now();
  return meta.seedHistory({
    account: igId,
    conversations: Array.from({ length: conversations }, (_, i) => ({
      messages: Array.from({ length: MESSAGES }, (_, j) => ({
        timestamp: now - 10 * MINUTE - i * MINUTE - (MESSAGES - j) * 1000,
      })),
    })),
  });
}

async function settled(importId: string): Promise<void> {
  for (;;) {
    const [row] = await sql<{ done: boolean }>(
      `select status <> 'RUNNING' and not exists (select 1 from webhook_events where status = 'RECEIVED') as done
       from history_imports where id = $1`,
      [importId],
    );
    if (row?.done) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Imports a seeded account with `services` (and its pace); messages brought per second. */
async function backfill(services: Services, perSecond: number) {
  meta.setConversationsRateLimit(perSecond);
  const connected = await connect(services);
  seed(connected.account.igId, CONVERSATIONS);
  const workers = await startWorkers(services);
  const started = performance.now();
  const { importId } = await startHistoryImport(services, {
    ...connected,
    kind: 'BACKFILL',
    days: 30,
    requestedBy: null,
  });
  await settled(importId);
  const seconds = (performance.now() - started) / 1000;
  await workers.stop();
  const [held] = await sql<{ n: number }>(
    'select count(*)::int as n from conversation_messages where channel_connection_id = $1',
    [connected.connectionId],
  );
  return { seconds, messages: held?.n ?? 0, perSecond: (held?.n ?? 0) / seconds };
}

progress(`backfill of ${CONVERSATIONS} conversations × ${MESSAGES} messages, no limit (baseline)`);
const free = await backfill(unlimited, 100_000);
progress('the same at Meta’s pace (2 calls/s, the import’s share 1.5)');
const pacedRun = await backfill(paced, 2);
// One listing call per 10 conversations, one call per conversation of up to 20 messages.
const ceiling = (callsPerSecond: number) => (callsPerSecond * MESSAGES * 10) / 11;

progress('reconciliation after 20% of webhooks were dropped');
meta.setConversationsRateLimit(2);
const workers = await startWorkers(paced);
const dropped = await connect(paced);
meta.dropWebhooks({ account: dropped.account.igId, probability: 0.2, seed: 7 });
for (let c = 0; c < 20; c += 1) {
  const customer = meta.addCustomer();
  for (let m = 0; m < 5; m += 1)
    meta.sendText({
      account: dropped.account.igId,
      customer: customer.igsid,
      text: `m${m}`,
      timestamp: Date.now() - 45_000,
    });
}
await meta.idle();
meta.clearWebhookDrops();
const missing = meta.droppedWebhooks().filter((d) => d.event.entryId === dropped.account.igId).length;
let started = performance.now();
const first = await startHistoryImport(paced, { ...dropped, kind: 'RECONCILE', requestedBy: null });
await settled(first.importId);
const reconcileSeconds = (performance.now() - started) / 1000;
const [recovered] = await sql<{ n: number }>(
  'select count(*)::int as n from conversation_messages where channel_connection_id = $1',
  [dropped.connectionId],
);
// The hourly case: an account whose conversations were last active before its last look.
const quiet = await connect(paced);
const past = Date.now() - 2 * 60 * MINUTE;
meta.seedHistory({
  account: quiet.account.igId,
  conversations: Array.from({ length: 20 }, (_, i) => ({ messages: [{ timestamp: past - i * MINUTE }] })),
});
await settled(
  (await startHistoryImport(paced, { ...quiet, kind: 'BACKFILL', days: 30, requestedBy: null })).importId,
);
started = performance.now();
const again = await startHistoryImport(paced, { ...quiet, kind: 'RECONCILE', requestedBy: null });
await settled(again.importId);
const quietSeconds = (performance.now() - started) / 1000;
await workers.stop();

progress(`purge of ${PURGE_ROWS.toLocaleString('en')} old messages`);
async function oldMessages(rows: number) {
  const connected = await connect(paced);
  const [conversation] = await sql<{ id: string }>(
    `insert into conversations (workspace_id, channel_connection_id, contact_identifier) values ($1, $2, 'c') returning id`,
    [connected.workspaceId, connected.connectionId],
  );
  await sql(
    `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status, content, occurred_at, external_message_id)
     select $1, $2::uuid, $3, 'INBOUND', 'RECEIVED', 'old words ' || g, now() - interval '400 days' + g * interval '1 second', 'mid-' || $2::text || '-' || g
     from generate_series(1, $4) g`,
    [connected.workspaceId, conversation?.id, connected.connectionId, rows],
  );
  return connected;
}
const baseline = await oldMessages(PURGE_ROWS);
await sql('analyze conversation_messages');
started = performance.now();
await sql('delete from conversation_messages where workspace_id = $1', [baseline.workspaceId]);
const deleteSeconds = (performance.now() - started) / 1000;
await sql('delete from workspaces where id <> $1', ['00000000-0000-0000-0000-000000000000']);
const purged = await oldMessages(PURGE_ROWS);
await sql('update workspaces set message_retention_days = 30 where id = $1', [purged.workspaceId]);
await sql('analyze conversation_messages');
started = performance.now();
const report = await purgeExpired(paced, new Date());
const purgeSeconds = (performance.now() - started) / 1000;

const f = (x: number, digits = 1) => x.toFixed(digits);
console.log(`
history backfill, ${CONVERSATIONS} conversations × ${MESSAGES} messages
  no limit (baseline)      ${f(free.seconds)} s   ${f(free.perSecond)} messages/s   (${free.messages} stored)
  at Meta's pace           ${f(pacedRun.seconds)} s   ${f(pacedRun.perSecond)} messages/s   (${pacedRun.messages} stored)
  ÷ ceiling of the 1.5 calls/s share (${f(ceiling(1.5))} msg/s)   ${f(pacedRun.perSecond / ceiling(1.5), 2)}
  ÷ ceiling of Meta's 2 calls/s (${f(ceiling(2))} msg/s)          ${f(pacedRun.perSecond / ceiling(2), 2)}
  ÷ no limit                                    ${f(pacedRun.perSecond / free.perSecond, 3)}
reconciliation, 20 conversations active, ${missing} of 100 webhooks dropped
  recovering them          ${f(reconcileSeconds)} s   (${recovered?.n ?? 0} of 100 messages held after)
  nothing new since the last look (20 quiet conversations)   ${f(quietSeconds)} s
purge of ${PURGE_ROWS.toLocaleString('en')} old messages
  one DELETE (baseline)    ${f(deleteSeconds, 2)} s   ${f(PURGE_ROWS / deleteSeconds, 0)} rows/s
  daily purge, batches     ${f(purgeSeconds, 2)} s   ${f(report.messages / purgeSeconds, 0)} rows/s   (${report.messages} purged)
  ÷ one DELETE             ${f(PURGE_ROWS / deleteSeconds / (report.messages / purgeSeconds), 2)}× slower per row, no lock held longer than one batch
`);

await server.close();
await pool.end();
await paced.close();
await unlimited.close();
await stack.stop();
