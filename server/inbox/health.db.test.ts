// The Health screen's numbers over tRPC, from ledger rows with known times: bucket counts,
// percentiles of lag and processing time, failed deliveries, each account's sends, and nothing
// from another workspace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { createWorkspace } from './create-workspace.ts';
import { webhookHealth } from './health.repository.ts';

let stack: ApiStack;
let alice: TestOperator;
let bob: TestOperator;
let aliceWorkspace: string;
let bobWorkspace: string;
const HOUR = 3_600_000;
const now = Date.now();
/** An hour ago and a bit: a whole bucket of the day range, whatever the time now. */
const past = new Date(Math.floor((now - 2 * HOUR) / HOUR) * HOUR + 30 * 60_000);

const sql = (text: string, values: unknown[] = []) => stack.database.query(text, values);

async function connection(workspaceId: string, igId: string, name: string) {
  const { rows } = await sql(
    `with cc as (insert into channel_connections (workspace_id, login_path, channel_identifier, display_name)
                 values ($1, 'instagram', $2, $3) returning id, workspace_id)
     insert into conversations (workspace_id, channel_connection_id, contact_identifier)
     select workspace_id, id, '5830000000000001' from cc returning id, channel_connection_id`,
    [workspaceId, igId, name],
  );
  return rows[0] as { id: string; channel_connection_id: string };
}

/** A delivery received at `receivedAt` carrying one event per [lag, processing] pair (ms). */
async function delivered(workspaceId: string, igId: string, receivedAt: Date, timings: [number, number][]) {
  const { rows } = await sql(
    `insert into webhook_events (received_at, raw_body, signature_valid, status, processed_at, account_ids)
     values ($1, '{}', true, 'PROCESSED', $1, array[$2]) returning id`,
    [receivedAt, igId],
  );
  for (const [i, [lag, processing]] of timings.entries()) {
    await sql(
      `insert into instagram_events (webhook_event_id, account_id, workspace_id, kind, dedupe_key, occurred_at,
         payload, status, received_at, applied_at)
       values ($1, $2, $3, 'message', $4, $5, '{}', 'APPLIED', $6, $7)`,
      [
        rows[0]?.id,
        igId,
        workspaceId,
        `m-${receivedAt.getTime()}-${i}-${Math.random()}`,
        new Date(receivedAt.getTime() - lag),
        receivedAt,
        new Date(receivedAt.getTime() + processing),
      ],
    );
  }
}

async function failedDelivery(igId: string, receivedAt: Date) {
  await sql(
    `insert into webhook_events (received_at, raw_body, signature_valid, status, error, account_ids)
     values ($1, '{}', true, 'FAILED', 'boom', array[$2])`,
    [receivedAt, igId],
  );
}

async function outbound(conversation: { id: string; channel_connection_id: string }, rows: string[][]) {
  for (const [status, createdAgo, attemptedAgo] of rows) {
    await sql(
      `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status,
         content, created_at, last_attempt_at, sent_at)
       select workspace_id, id, channel_connection_id, 'OUTBOUND', $2, 'reply',
              now() - $3::interval, now() - $4::interval, case when $2 = 'SENT' then now() - $4::interval end
       from conversations where id = $1`,
      [conversation.id, status, createdAgo, attemptedAgo ?? createdAgo],
    );
  }
}

beforeAll(async () => {
  stack = await startApiStack();
  [alice, bob] = await Promise.all([
    signUpOperator(stack.supabase, 'alice'),
    signUpOperator(stack.supabase, 'bob'),
  ]);
  aliceWorkspace = (await createWorkspace(stack.runtime.db, alice.actor, 'Alice Art')).id;
  bobWorkspace = (await createWorkspace(stack.runtime.db, bob.actor, 'Bob Bikes')).id;
  const aliceShop = await connection(aliceWorkspace, '17841400000000001', '@alice.art');
  const bobShop = await connection(bobWorkspace, '17841400000000002', '@bob.bikes');

  await delivered(aliceWorkspace, '17841400000000001', past, [
    [100, 10],
    [200, 20],
    [300, 30],
    [400, 40],
  ]);
  await delivered(aliceWorkspace, '17841400000000001', new Date(now - 30 * HOUR), [[5, 5]]); // out of range
  await failedDelivery('17841400000000001', past);
  await delivered(bobWorkspace, '17841400000000002', past, [[9000, 9000]]);
  await failedDelivery('17841400000000002', past);

  await outbound(aliceShop, [
    ['QUEUED', '120 seconds'],
    ['SENDING', '30 seconds'],
    ['UNCERTAIN', '10 minutes'],
    ['SENT', '5 minutes'],
    ['SENT', '6 minutes'],
    ['FAILED', '7 minutes'],
    ['SENT', '3 days'],
  ]);
  await outbound(bobShop, [['FAILED', '1 minute']]);
});

afterAll(() => stack?.stop());

describe('health.overview', () => {
  it("counts the workspace's events per hour with their lag and processing percentiles", async () => {
    const day = await operatorClient(stack.api, alice).health.overview.query({
      workspaceId: aliceWorkspace,
      range: 'day',
    });
    expect(day.bucketSeconds).toBe(3600);
    expect(day.buckets.length).toBeGreaterThanOrEqual(24);
    const bucket = day.buckets.find(
      (b) => b.at === new Date(Math.floor(past.getTime() / HOUR) * HOUR).toISOString(),
    );
    // percentile_cont interpolates: p50 of 100..400 is 250, p95 is 385.
    expect(bucket).toEqual({
      at: expect.any(String),
      events: 4,
      failedDeliveries: 1,
      lagP50Ms: 250,
      lagP95Ms: 385,
      processingP50Ms: 25,
      processingP95Ms: 39,
    });
    expect(day.totals).toEqual({
      events: 4,
      failedDeliveries: 1,
      lagP50Ms: 250,
      lagP95Ms: 385,
      processingP50Ms: 25,
      processingP95Ms: 39,
    });
    expect(day.buckets.filter((b) => b !== bucket).every((b) => b.events === 0 && b.lagP50Ms === null)).toBe(
      true,
    );
  });

  it("shows each account's waiting replies, and its sends and failures in the range", async () => {
    const hour = await operatorClient(stack.api, alice).health.overview.query({
      workspaceId: aliceWorkspace,
      range: 'hour',
    });
    expect(hour.bucketSeconds).toBe(60);
    expect(hour.totals.events).toBe(0);
    expect(hour.accounts).toEqual([
      {
        id: expect.any(String),
        name: '@alice.art',
        waiting: 2,
        uncertain: 1,
        sent: 2,
        failed: 1,
        oldestWaitingSeconds: expect.any(Number),
      },
    ]);
    expect(hour.accounts[0]?.oldestWaitingSeconds).toBeGreaterThanOrEqual(119);
  });

  it('counts nothing of another workspace, and tells a non-member nothing', async () => {
    const bobs = await operatorClient(stack.api, bob).health.overview.query({
      workspaceId: bobWorkspace,
      range: 'day',
    });
    expect(bobs.totals).toMatchObject({ events: 1, failedDeliveries: 1, lagP50Ms: 9000 });
    expect(bobs.accounts.map((a) => [a.name, a.failed])).toEqual([['@bob.bikes', 1]]);

    const refused = await apiRefusal(
      operatorClient(stack.api, bob).health.overview.query({ workspaceId: aliceWorkspace, range: 'day' }),
    );
    expect(refused.data?.code).toBe('NOT_FOUND');
    // Even straight at the database, the function answers nothing to a non-member.
    const direct = await stack.runtime.db.withUser(bob.actor, (trx) =>
      webhookHealth(trx, aliceWorkspace, new Date(now - 24 * HOUR), 3600),
    );
    expect(direct).toEqual([]);
  });
});
