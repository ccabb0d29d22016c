// One Instagram account, two workspaces (issue 13): workspace A had the account, disconnected it,
// and workspace B connected it after. A's replay of failed deliveries and A's purge of the old
// connection's history reach only what was processed for A's connections; B's ledger, its failed
// deliveries and its health history are untouched. Deliveries go through the real ledger and
// ingest; the workspaces act over tRPC with their operators' tokens.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ApiStack, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { instagramDeliveryBody } from '#dev/webhook-deliveries.ts';
import { ingestWebhookEvents } from '../ingest/index.ts';
import { createWorkspace } from '../team/index.ts';

const IG = '17841400000000777';

let stack: ApiStack;
let ownerA: TestOperator;
let ownerB: TestOperator;
let workspaceA: string;
let workspaceB: string;
let connectionA: string;
let connectionB: string;
/** Each workspace's deliveries: one applied, one that failed (an unreadable item quarantined). */
const ledger = { a: [] as string[], b: [] as string[] };

const client = (operator: TestOperator) => operatorClient(stack.api, operator);
const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  stack.database.query<R>(text, values).then((r) => r.rows);

async function connect(workspaceId: string): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier, display_name)
     values ($1, 'instagram', $2, '@shared.account') returning id`,
    [workspaceId, IG],
  );
  return row?.id as string;
}

/** A customer's message, and with `unreadable` an item ingest must quarantine; stored, then ingested. */
async function deliver(customer: string, unreadable = false): Promise<string> {
  const now = Date.now();
  const from = (body: Record<string, unknown>, at: number) => ({
    sender: { id: customer },
    recipient: { id: IG },
    timestamp: at,
    ...body,
  });
  const mid = `aWdf${randomBytes(12).toString('base64url')}`;
  const items = [from({ message: { mid, text: 'hello' } }, now)];
  if (unreadable) items.push(from({ reaction: { mid, action: 'explode' } }, now + 1));
  const id = await stack.services.webhookLedger.append({
    rawBody: Buffer.from(instagramDeliveryBody([{ id: IG, messaging: items }])),
    headers: {},
    object: 'instagram',
  });
  await ingestWebhookEvents({ db: stack.services.db, enqueue: async () => {} }, [id]);
  return id;
}

const ledgerStatuses = (ids: string[]) =>
  sql<{ id: string; status: string }>(
    'select id::text, status from webhook_events where id = any($1::bigint[]) order by id',
    [ids],
  );

/** What B's Health screen shows of its deliveries over the day (not the window's bounds). */
async function healthOfB() {
  const { totals, quarantined } = await client(ownerB).health.overview.query({
    workspaceId: workspaceB,
    range: 'day',
  });
  return { totals, quarantined };
}

beforeAll(async () => {
  stack = await startApiStack();
  [ownerA, ownerB] = await Promise.all([
    signUpOperator(stack.supabase, 'owner-a'),
    signUpOperator(stack.supabase, 'owner-b'),
  ]);
  workspaceA = (await createWorkspace(stack.services.db, ownerA.actor, 'Shop A')).id;
  workspaceB = (await createWorkspace(stack.services.db, ownerB.actor, 'Shop B')).id;

  connectionA = await connect(workspaceA);
  ledger.a.push(await deliver('5830000000000001'), await deliver('5830000000000002', true));
  await client(ownerA).accounts.disconnect.mutate({ workspaceId: workspaceA, connectionId: connectionA });

  connectionB = await connect(workspaceB);
  ledger.b.push(await deliver('5830000000000003'), await deliver('5830000000000004', true));
  expect(await ledgerStatuses([...ledger.a, ...ledger.b])).toEqual([
    { id: ledger.a[0], status: 'PROCESSED' },
    { id: ledger.a[1], status: 'FAILED' },
    { id: ledger.b[0], status: 'PROCESSED' },
    { id: ledger.b[1], status: 'FAILED' },
  ]);
});

afterAll(() => stack?.stop());

it("A's replay resends nothing: its account is disconnected, and B's failures are B's", async () => {
  expect(await client(ownerA).webhooks.replayFailed.mutate({ workspaceId: workspaceA })).toEqual({
    replayed: 0,
  });
  expect(await ledgerStatuses([ledger.a[1] as string, ledger.b[1] as string])).toEqual([
    { id: ledger.a[1], status: 'FAILED' },
    { id: ledger.b[1], status: 'FAILED' },
  ]);
});

it("A deleting its old connection's history deletes only what was processed for it", async () => {
  const before = await healthOfB();
  expect(before.totals).toMatchObject({ events: 3, failedEvents: 1 });

  const { deleted } = await client(ownerA).accounts.disconnect.mutate({
    workspaceId: workspaceA,
    connectionId: connectionA,
    deleteHistory: true,
  });
  expect(deleted).toMatchObject({ accounts: 1, conversations: 2, deliveries: 2, events: 3 });

  // A's deliveries are gone; B's ledger, its failed delivery and its Health history remain.
  expect(await ledgerStatuses([...ledger.a, ...ledger.b])).toEqual([
    { id: ledger.b[0], status: 'PROCESSED' },
    { id: ledger.b[1], status: 'FAILED' },
  ]);
  expect(
    await sql('select count(*)::int as n from ingest_failures where channel_connection_id = $1', [
      connectionB,
    ]),
  ).toEqual([{ n: 1 }]);
  expect(await healthOfB()).toEqual(before);
  // B can still replay its failed delivery.
  expect(await client(ownerB).webhooks.replayFailed.mutate({ workspaceId: workspaceB })).toEqual({
    replayed: 1,
  });
});
