// A worker process killed with SIGKILL, or told to stop with SIGTERM, in the middle of a large
// delivery: it leaves nothing half-applied, and after a new worker starts every event is applied
// exactly once.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorkerProcess } from '#dev/processes.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnvVars } from '#dev/test/env.ts';
import { eventually } from '#dev/test/eventually.ts';
import { parseEnv } from '../env.ts';
import { createRuntime, type Runtime } from '../runtime.ts';

let database: TestDatabase;
let env: Record<string, string>;
let runtime: Runtime;
const children: ChildProcess[] = [];

const EVENTS = 3000;
const CUSTOMERS = 100;

beforeAll(async () => {
  database = await createTestDatabase();
  // A short job timeout, so the dead worker's job is noticed within seconds.
  env = testEnvVars(database, undefined, { JOB_TIMEOUT_SECONDS: '2' });
  runtime = createRuntime(parseEnv(env));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await runtime?.close();
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
    sender: { id: `5830000000${String(i % CUSTOMERS).padStart(6, '0')}` },
    recipient: { id: ig },
    timestamp: t0 + i,
    message: { mid: `aWdf${randomBytes(12).toString('base64url')}`, text: `message ${i}` },
  }));
  const body = JSON.stringify({ object: 'instagram', entry: [{ id: ig, time: t0, messaging }] });
  const deliveryId = await runtime.db.withService(async (trx) => {
    const { id } = await trx
      .insertInto('webhook_events')
      .values({ raw_body: Buffer.from(body), signature_valid: true, object: 'instagram' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await runtime.enqueueIngest(trx, [String(id)]);
    return String(id);
  });
  return { connectionId: rows[0]?.id as string, deliveryId };
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
      'select count(*) as n from conversations where unread_count <> 30 and channel_connection_id = $1',
    ),
  ).toBe(0);
  expect(await of('select count(*) as n from leads where channel_connection_id = $1')).toBe(CUSTOMERS);
}

it('processes every event exactly once after the worker is killed mid-batch and restarted', async () => {
  const ig = '17841400000000777';
  const { connectionId, deliveryId } = await accountWithLargeDelivery(ig);
  const first = startWorker();
  await jobTaken(deliveryId);
  await new Promise((r) => setTimeout(r, 300));
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  expect(await count("select count(*) as n from webhook_events where status = 'PROCESSED'")).toBe(0);
  // The delivery is applied in one transaction: the crash left no partial state behind.
  expect(await count('select count(*) as n from conversation_messages')).toBe(0);

  const second = startWorker();
  await expectAppliedOnce(ig, connectionId);
  await jobDone(deliveryId);
  second.kill('SIGKILL');
  await new Promise((resolve) => second.once('exit', resolve));
}, 120_000);

it('a busy worker told to stop (SIGTERM, as on every deploy) exits 0, and nothing is lost or applied twice', async () => {
  const ig = '17841400000000778';
  const { connectionId, deliveryId } = await accountWithLargeDelivery(ig);
  const worker = startWorker();
  await jobTaken(deliveryId);
  worker.kill('SIGTERM');
  const code = await new Promise((resolve) => worker.once('exit', resolve));
  expect(code).toBe(0);
  // Whatever it had not finished is the next worker's.
  startWorker();
  await expectAppliedOnce(ig, connectionId);
}, 120_000);
