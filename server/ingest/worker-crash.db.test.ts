// A worker process killed with SIGKILL, or told to stop with SIGTERM, in the middle of a large
// delivery: it leaves nothing half-applied, another worker takes its job over within seconds (with
// the real job timeout), and every event is applied exactly once.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReadyWorker, startWorkerProcess } from '#dev/processes.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnvVars } from '#dev/test/env.ts';
import { eventually } from '#dev/test/eventually.ts';
import { conversationKey } from '../conversations/index.ts';
import { parseEnv } from '../env.ts';
import { createServices, type Services } from '../services.ts';
import { ingestWebhookEventsJob } from './ingest-webhook-events.job.ts';

let database: TestDatabase;
let env: Record<string, string>;
let services: Services;
const children: ChildProcess[] = [];

const EVENTS = 1000;
const CUSTOMERS = 100;

beforeAll(async () => {
  database = await createTestDatabase();
  env = testEnvVars(database);
  services = createServices(parseEnv(env));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await services?.close();
  await database?.drop();
});

function startWorker(): ChildProcess {
  const child = startWorkerProcess({ ...process.env, ...env }, 'ignore');
  children.push(child);
  return child;
}

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await database.query<{ n: number }>(sql, values);
  return Number(rows[0]?.n);
}

const customerId = (n: number) => `5830000000${String(n).padStart(6, '0')}`;

/** A connected account, and one stored delivery of EVENTS messages to it, queued for ingest. */
async function accountWithLargeDelivery(ig: string): Promise<{ connectionId: string; deliveryId: string }> {
  const { rows } = await database.query<{ id: string }>(
    `with w as (insert into workspaces (name) values ('Shop') returning id)
     insert into channel_connections (workspace_id, login_path, channel_identifier)
     select id, 'instagram', $1 from w returning id`,
    [ig],
  );
  const t0 = Date.parse('2026-11-21T09:00:00Z');
  const messaging = Array.from({ length: EVENTS }, (_, i) => ({
    sender: { id: customerId(i % CUSTOMERS) },
    recipient: { id: ig },
    timestamp: t0 + i,
    message: { mid: `aWdf${randomBytes(12).toString('base64url')}`, text: `message ${i}` },
  }));
  const body = JSON.stringify({ object: 'instagram', entry: [{ id: ig, time: t0, messaging }] });
  const deliveryId = await services.db.withService(async (trx) => {
    const { id } = await trx
      .insertInto('webhook_events')
      .values({ raw_body: Buffer.from(body), signature_valid: true, object: 'instagram' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await services.enqueue(trx, ingestWebhookEventsJob, { webhookEventIds: [String(id)] });
    return String(id);
  });
  return { connectionId: rows[0]?.id as string, deliveryId };
}

/**
 * Holds a conversation's lock, as a delivery being applied does: a worker applying an event of
 * that conversation waits, inside its transaction, until the returned function releases it.
 */
async function holdConversation(connectionId: string, contactId: string): Promise<() => Promise<void>> {
  const holder = new pg.Client({ connectionString: database.appUrl });
  await holder.connect();
  await holder.query('begin');
  await holder.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
    conversationKey(connectionId, contactId),
  ]);
  return async () => {
    await holder.query('rollback');
    await holder.end();
  };
}

const INGEST_JOBS_OF = `select count(*) as n from pgboss.job
  where name = 'ingest-webhook-events' and data->'webhookEventIds' ? $1`;

/** Until a worker has taken the delivery's job (it is applying it, nothing committed yet). */
async function jobTaken(deliveryId: string): Promise<void> {
  await eventually(
    async () => (await count(`${INGEST_JOBS_OF} and state = 'active'`, [deliveryId])) === 1,
    30_000,
  );
}

/** Until the delivery's job is done: a worker killed after applying it may not have said so. */
async function jobDone(deliveryId: string): Promise<void> {
  await eventually(
    async () => (await count(`${INGEST_JOBS_OF} and state <> 'completed'`, [deliveryId])) === 0,
    30_000,
  );
}

/** Every event of the account's delivery applied exactly once, and the delivery processed. */
async function expectAppliedOnce(ig: string, connectionId: string): Promise<void> {
  await eventually(
    async () =>
      (await count(
        "select count(*) as n from webhook_events where status = 'PROCESSED' and $1 = any(account_ids)",
        [ig],
      )) === 1,
    60_000,
  );
  const of = (sql: string) => count(sql, [connectionId]);
  expect(await of('select count(*) as n from conversation_messages where channel_connection_id = $1')).toBe(
    EVENTS,
  );
  expect(
    await of(
      'select count(distinct external_message_id) as n from conversation_messages where channel_connection_id = $1',
    ),
  ).toBe(EVENTS);
  expect(
    await of(
      "select count(*) as n from instagram_events where status = 'APPLIED' and channel_connection_id = $1",
    ),
  ).toBe(EVENTS);
  expect(
    await of(
      `select count(*) as n from conversations where unread_count <> ${EVENTS / CUSTOMERS} and channel_connection_id = $1`,
    ),
  ).toBe(0);
  expect(await of('select count(*) as n from leads where channel_connection_id = $1')).toBe(CUSTOMERS);
}

it('another worker applies a killed worker’s delivery within 30 s, every event exactly once', async () => {
  const ig = '17841400000000777';
  const { connectionId, deliveryId } = await accountWithLargeDelivery(ig);
  // The first worker, once it has taken the job, waits inside its transaction: it is certainly
  // the one holding the job when killed.
  const release = await holdConversation(connectionId, customerId(0));
  const first = startWorker();
  await jobTaken(deliveryId);
  const second = await startReadyWorker({ ...process.env, ...env });
  children.push(second);
  // However long the second worker took to start, the first one's job was renewed meanwhile:
  // it is still running there, never handed over.
  expect(await count(`${INGEST_JOBS_OF} and state = 'active' and retry_count = 0`, [deliveryId])).toBe(1);

  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const killedAt = Date.now();
  await release();
  // The delivery is applied in one transaction: the crash left no partial state behind.
  expect(await count("select count(*) as n from webhook_events where status = 'PROCESSED'")).toBe(0);
  expect(await count('select count(*) as n from conversation_messages')).toBe(0);

  await expectAppliedOnce(ig, connectionId);
  const recoveredMs = Date.now() - killedAt;
  console.log(
    (
      await database.query(
        `select state, retry_count, extract(epoch from started_on)*1000 - ${killedAt} as started_ms, extract(epoch from completed_on)*1000 - ${killedAt} as done_ms, start_after, output from pgboss.job where name = 'ingest-webhook-events'`,
      )
    ).rows,
  );
  console.log(`worker crash: the delivery was in the inbox ${recoveredMs} ms after the kill`);
  expect(recoveredMs).toBeLessThanOrEqual(30_000);
  await jobDone(deliveryId);
  second.kill('SIGKILL');
  await new Promise((resolve) => second.once('exit', resolve));
}, 120_000);

it('a busy worker told to stop (SIGTERM, as on every deploy) exits 0 even with a job that cannot finish, and nothing is lost or applied twice', async () => {
  const ig = '17841400000000778';
  const { connectionId, deliveryId } = await accountWithLargeDelivery(ig);
  const release = await holdConversation(connectionId, customerId(0));
  const worker = startWorker();
  await jobTaken(deliveryId);
  worker.kill('SIGTERM');
  const code = await new Promise((resolve) => worker.once('exit', resolve));
  expect(code).toBe(0);
  // The job it could not finish was handed back, not left to expire.
  expect(await count(`${INGEST_JOBS_OF} and state = 'retry'`, [deliveryId])).toBe(1);
  await release();
  startWorker();
  await expectAppliedOnce(ig, connectionId);
}, 120_000);
