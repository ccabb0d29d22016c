// A worker process killed with SIGKILL in the middle of a large delivery: after a new worker
// starts, every event is applied exactly once.
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

const IG = '17841400000000777';
const EVENTS = 3000;
const CUSTOMERS = 100;

beforeAll(async () => {
  database = await createTestDatabase();
  // A short job timeout, so the dead worker's job is noticed within seconds.
  env = testEnvVars(database, undefined, { JOB_TIMEOUT_SECONDS: '2' });
  runtime = createRuntime(parseEnv(env));
  await database.query(
    `with w as (insert into workspaces (name) values ('Shop') returning id)
     insert into channel_connections (workspace_id, login_path, channel_identifier) select id, 'instagram', $1 from w`,
    [IG],
  );
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

async function count(sql: string): Promise<number> {
  const { rows } = await database.query<{ n: number }>(sql);
  return Number(rows[0]?.n);
}

it('processes every event exactly once after the worker is killed mid-batch and restarted', async () => {
  const t0 = Date.parse('2026-11-21T09:00:00Z');
  const messaging = Array.from({ length: EVENTS }, (_, i) => ({
    sender: { id: `5830000000${String(i % CUSTOMERS).padStart(6, '0')}` },
    recipient: { id: IG },
    timestamp: t0 + i,
    message: { mid: `aWdf${randomBytes(12).toString('base64url')}`, text: `message ${i}` },
  }));
  const body = JSON.stringify({ object: 'instagram', entry: [{ id: IG, time: t0, messaging }] });
  await runtime.db.withService(async (trx) => {
    const { id } = await trx
      .insertInto('webhook_events')
      .values({ raw_body: Buffer.from(body), signature_valid: true, object: 'instagram' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await runtime.enqueueIngest(trx, [String(id)]);
  });

  const first = startWorker();
  // Kill it while it is applying the delivery: its job is taken and nothing is committed yet.
  await eventually(
    async () =>
      (await count(
        "select count(*) as n from pgboss.job where name = 'ingest-webhook-events' and state = 'active'",
      )) === 1,
    30_000,
  );
  await new Promise((r) => setTimeout(r, 300));
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  expect(await count("select count(*) as n from webhook_events where status = 'PROCESSED'")).toBe(0);
  // The delivery is applied in one transaction: the crash left no partial state behind.
  expect(await count('select count(*) as n from conversation_messages')).toBe(0);

  startWorker();
  await eventually(
    async () => (await count("select count(*) as n from webhook_events where status = 'PROCESSED'")) === 1,
    60_000,
  );

  expect(await count('select count(*) as n from conversation_messages')).toBe(EVENTS);
  expect(await count('select count(distinct external_message_id) as n from conversation_messages')).toBe(
    EVENTS,
  );
  expect(await count("select count(*) as n from instagram_events where status = 'APPLIED'")).toBe(EVENTS);
  expect(await count('select count(*) as n from conversations where unread_count <> 30')).toBe(0);
  expect(await count('select count(*) as n from leads')).toBe(CUSTOMERS);
}, 120_000);
