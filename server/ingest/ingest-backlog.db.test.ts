// A backlog of small ingest jobs (one per group commit, as under load) is taken by a real worker
// in merged runs, and every event is still applied exactly once, in each conversation's order.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import { eventually } from '#dev/test/eventually.ts';
import { instagramDeliveryBody } from '#dev/webhook-deliveries.ts';
import { createServices, type Services } from '../services.ts';
import { startWorkers, type Workers } from '../worker.ts';

const ACCOUNT = '17841400000004242';
const CUSTOMERS = 12;
const MESSAGES_EACH = 6;

let database: TestDatabase;
let services: Services;
let workers: Workers | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  services = createServices(testEnv(database));
  await database.query(
    `with w as (insert into workspaces (name) values ('Shop') returning id)
     insert into channel_connections (workspace_id, login_path, channel_identifier) select id, 'instagram', $1 from w`,
    [ACCOUNT],
  );
});

afterAll(async () => {
  await workers?.stop();
  await services?.close();
  await database?.drop();
});

it('applies a backlog of small jobs in merged runs, each message once and in order', async () => {
  const start = Date.parse('2026-12-01T10:00:00Z');
  // Customers' messages interleaved, each delivery appended on its own: one job each.
  for (let i = 0; i < MESSAGES_EACH; i++) {
    for (let c = 0; c < CUSTOMERS; c++) {
      const timestamp = start + (i * CUSTOMERS + c) * 1000;
      const body = instagramDeliveryBody([
        {
          id: ACCOUNT,
          messaging: [
            {
              sender: { id: `cust-${c}` },
              recipient: { id: ACCOUNT },
              timestamp,
              message: { mid: `mid-${c}-${i}`, text: `message ${i} from ${c}` },
            },
          ],
        },
      ]);
      await services.webhookLedger.append({ rawBody: Buffer.from(body), headers: {}, object: 'instagram' });
    }
  }
  const jobs = CUSTOMERS * MESSAGES_EACH;
  const queued = await database.query(
    "select count(*)::int as n from pgboss.job where name = 'ingest-webhook-events' and state = 'created'",
  );
  expect(queued.rows[0]?.n).toBe(jobs);

  workers = await startWorkers(services);
  await eventually(async () => {
    const { rows } = await database.query(
      "select count(*)::int as n from webhook_events where status = 'RECEIVED'",
    );
    return rows[0]?.n === 0;
  }, 30_000);

  const { rows: messages } = await database.query<{ customer: string; texts: string[] }>(
    `select c.contact_identifier as customer, array_agg(m.content order by m.occurred_at) as texts
     from conversation_messages m join conversations c on c.id = m.conversation_id
     group by c.contact_identifier order by 1`,
  );
  expect(messages).toHaveLength(CUSTOMERS);
  for (const { customer, texts } of messages) {
    const c = customer.replace('cust-', '');
    expect(texts).toEqual(Array.from({ length: MESSAGES_EACH }, (_, i) => `message ${i} from ${c}`));
  }
  const { rows: ledger } = await database.query(
    'select status, count(*)::int as n from webhook_events group by status',
  );
  expect(ledger).toEqual([{ status: 'PROCESSED', n: jobs }]);

  // Jobs completed together share their completion time (one statement): fewer times than jobs
  // means they ran merged.
  const { rows: done } = await database.query(
    `select count(*)::int as jobs, count(distinct completed_on)::int as completions
     from pgboss.job where name = 'ingest-webhook-events' and state = 'completed'`,
  );
  expect(done[0]?.jobs).toBe(jobs);
  expect(done[0]?.completions).toBeLessThan(jobs / 4);
}, 60_000);
