// The Health screen's numbers from ledger rows with known times, read at a fixed moment: exact
// bucket counts, percentiles of lag and processing time, failed events, each account's send
// queue, sends and failures; nothing from another workspace; nothing for a non-member. Then the
// same over tRPC: its refusals and its declared output.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import { type ApiStack, apiClient, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { createWorkspace } from '../team/index.ts';
import { webhookHealth } from './health.repository.ts';
import { healthWindow } from './health-window.ts';
import { readHealth } from './read-health.ts';

let stack: ApiStack;
let alice: TestOperator;
let bob: TestOperator;
let aliceWorkspace: string;
let bobWorkspace: string;

const NOW = new Date('2026-11-20T10:30:20Z');
const at = (time: string) => new Date(`2026-11-20T${time}Z`);
const sql = (text: string, values: unknown[] = []) => stack.database.query(text, values);

interface Account {
  connectionId: string;
  conversationId: string;
  igId: string;
  workspaceId: string;
}

async function account(workspaceId: string, igId: string, name: string, status = 'CONNECTED') {
  const { rows } = await sql(
    `with cc as (insert into channel_connections (workspace_id, login_path, channel_identifier, display_name, status)
                 values ($1, 'instagram', $2, $3, $4) returning id, workspace_id)
     insert into conversations (workspace_id, channel_connection_id, contact_identifier)
     select workspace_id, id, '5830000000000001' from cc returning id, channel_connection_id`,
    [workspaceId, igId, name, status],
  );
  const row = rows[0] as { id: string; channel_connection_id: string };
  return { connectionId: row.channel_connection_id, conversationId: row.id, igId, workspaceId };
}

let dedupe = 0;
/** A delivery received at `receivedAt` carrying one event per [lag, processing] pair (ms). */
async function delivered(to: Account, receivedAt: Date, timings: [number, number][]) {
  const { rows } = await sql(
    `insert into webhook_events (received_at, raw_body, signature_valid, status, processed_at, account_ids)
     values ($1, '{}', true, 'PROCESSED', $1, array[$2]) returning id`,
    [receivedAt, to.igId],
  );
  for (const [lag, processing] of timings) {
    dedupe += 1;
    await sql(
      `insert into instagram_events (webhook_event_id, account_id, channel_connection_id, workspace_id, kind,
         dedupe_key, occurred_at, payload, status, received_at)
       values ($1, $2, $3, $4, 'message', $5, $6, '{}', 'APPLIED', $7)`,
      [
        rows[0]?.id,
        to.igId,
        to.connectionId,
        to.workspaceId,
        `m-${dedupe}`,
        new Date(receivedAt.getTime() - lag),
        new Date(receivedAt.getTime() + processing),
      ],
    );
  }
}

async function failed(to: Account, failedAt: Date, eventCount: number) {
  await sql(
    `with w as (insert into webhook_events (received_at, raw_body, signature_valid, status, error, account_ids)
                values ($1, '{}', true, 'FAILED', 'boom', array[$2]) returning id)
     insert into ingest_failures (webhook_event_id, workspace_id, channel_connection_id, event_count, failed_at)
     select id, $3, $4, $5, $1 from w`,
    [failedAt, to.igId, to.workspaceId, to.connectionId, eventCount],
  );
}

/** A reply of this app in `status`, created, sent and last changed at the given times. */
async function reply(
  to: Account,
  status: string,
  times: { created: Date; sent?: Date; updated?: Date; attempted?: Date },
) {
  await sql(
    `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status,
       content, idempotency_key, created_at, sent_at, updated_at, last_attempt_at)
     values ($1, $2, $3, 'OUTBOUND', $4, 'reply', gen_random_uuid()::text, $5, $6, $7, $8)`,
    [
      to.workspaceId,
      to.conversationId,
      to.connectionId,
      status,
      times.created,
      times.sent ?? null,
      times.updated ?? times.sent ?? times.created,
      times.attempted ?? null,
    ],
  );
}

beforeAll(async () => {
  stack = await startApiStack();
  [alice, bob] = await Promise.all([
    signUpOperator(stack.supabase, 'alice'),
    signUpOperator(stack.supabase, 'bob'),
  ]);
  aliceWorkspace = (await createWorkspace(stack.services.db, alice.actor, 'Alice Art')).id;
  bobWorkspace = (await createWorkspace(stack.services.db, bob.actor, 'Bob Bikes')).id;
  const aliceShop = await account(aliceWorkspace, '17841400000000001', '@alice.art');
  const bobShop = await account(bobWorkspace, '17841400000000002', '@bob.bikes');
  // An account Alice once had: it is not listed, and its history counts nowhere now.
  await account(aliceWorkspace, '17841400000000003', '@alice.old', 'DISCONNECTED');

  await delivered(aliceShop, at('09:30:59'), [[70, 2]]); // the minute before the last hour
  await delivered(aliceShop, at('09:31:00'), [[50, 1]]); // the last hour's first minute
  await delivered(aliceShop, at('10:05:30'), [
    [100, 10],
    [200, 20],
    [300, 30],
    [400, 40],
  ]);
  await delivered(aliceShop, at('10:30:05'), [[1000, 5]]); // the current minute
  await failed(aliceShop, at('10:05:40'), 3);
  await failed(aliceShop, at('09:00:00'), 2); // in the day, not the hour
  await delivered(bobShop, at('10:05:30'), [[9000, 9000]]);
  await failed(bobShop, at('10:05:40'), 5);

  await reply(aliceShop, 'QUEUED', { created: at('10:28:20') });
  await reply(aliceShop, 'SENDING', { created: at('10:29:50'), attempted: at('10:29:51') });
  await reply(aliceShop, 'UNCERTAIN', { created: at('10:20:20'), attempted: at('10:20:21') });
  await reply(aliceShop, 'SENT', { created: at('10:24:00'), sent: at('10:25:00') });
  await reply(aliceShop, 'SENT', { created: at('10:24:00'), sent: at('10:25:30') });
  await reply(aliceShop, 'SENT', {
    created: new Date('2026-11-17T10:00:00Z'),
    sent: new Date('2026-11-17T10:00:01Z'),
  });
  // Refused before any attempt (the messaging window had closed): a failure all the same.
  await reply(aliceShop, 'FAILED', { created: at('10:22:59'), updated: at('10:23:00') });
  await reply(aliceShop, 'FAILED', { created: at('08:00:00'), updated: new Date('2026-11-19T08:00:00Z') });
  await reply(bobShop, 'FAILED', { created: at('10:28:00'), updated: at('10:29:00') });
  await reply(bobShop, 'QUEUED', { created: at('10:00:00') });
});

afterAll(() => stack?.stop());

const empty = {
  events: 0,
  failedEvents: 0,
  lagP50Ms: null,
  lagP95Ms: null,
  processingP50Ms: null,
  processingP95Ms: null,
};

describe('readHealth', () => {
  it("counts the workspace's events per minute of the last hour, with exact percentiles", async () => {
    const hour = await readHealth(
      stack.services.db,
      alice.actor,
      { workspaceId: aliceWorkspace, range: 'hour' },
      NOW,
    );
    expect(hour).toMatchObject({
      range: 'hour',
      bucketSeconds: 60,
      from: '2026-11-20T09:31:00.000Z',
      to: '2026-11-20T10:31:00.000Z',
    });
    expect(hour.buckets).toHaveLength(60);
    expect(hour.buckets.map((b) => b.at).slice(0, 2)).toEqual([
      '2026-11-20T09:31:00.000Z',
      '2026-11-20T09:32:00.000Z',
    ]);
    const busy = Object.fromEntries(
      hour.buckets.filter((b) => b.events > 0 || b.failedEvents > 0).map(({ at, ...stats }) => [at, stats]),
    );
    // percentile_cont interpolates: p50 of 100..400 is 250, p95 is 385.
    expect(busy).toEqual({
      '2026-11-20T09:31:00.000Z': {
        ...empty,
        events: 1,
        lagP50Ms: 50,
        lagP95Ms: 50,
        processingP50Ms: 1,
        processingP95Ms: 1,
      },
      '2026-11-20T10:05:00.000Z': {
        events: 4,
        failedEvents: 3,
        lagP50Ms: 250,
        lagP95Ms: 385,
        processingP50Ms: 25,
        processingP95Ms: 39,
      },
      '2026-11-20T10:30:00.000Z': {
        ...empty,
        events: 1,
        lagP50Ms: 1000,
        lagP95Ms: 1000,
        processingP50Ms: 5,
        processingP95Ms: 5,
      },
    });
    const quiet = hour.buckets.filter((b) => !(b.at in busy)).map(({ at, ...stats }) => stats);
    expect(quiet).toEqual(Array.from({ length: 57 }, () => empty));
    // Over the hour: lags 50, 100, 200, 300, 400, 1000 and processing 1, 5, 10, 20, 30, 40 (ms).
    expect(hour.totals).toEqual({
      events: 6,
      failedEvents: 3,
      lagP50Ms: 250,
      lagP95Ms: 850,
      processingP50Ms: 15,
      processingP95Ms: 38,
    });
  });

  it('counts per hour over the last day', async () => {
    const day = await readHealth(
      stack.services.db,
      alice.actor,
      { workspaceId: aliceWorkspace, range: 'day' },
      NOW,
    );
    expect(day).toMatchObject({
      bucketSeconds: 3600,
      from: '2026-11-19T11:00:00.000Z',
      to: '2026-11-20T11:00:00.000Z',
    });
    expect(day.buckets).toHaveLength(24);
    expect(
      day.buckets
        .filter((b) => b.events > 0 || b.failedEvents > 0)
        .map((b) => [b.at, b.events, b.failedEvents]),
    ).toEqual([
      ['2026-11-20T09:00:00.000Z', 2, 2],
      ['2026-11-20T10:00:00.000Z', 5, 3],
    ]);
    expect(day.totals).toMatchObject({ events: 7, failedEvents: 5 });
  });

  it("shows each live account's send queue now, and its sends and failures by when they happened", async () => {
    const hour = await readHealth(
      stack.services.db,
      alice.actor,
      { workspaceId: aliceWorkspace, range: 'hour' },
      NOW,
    );
    const alices = {
      queueDepth: 3,
      uncertain: 1,
      oldestWaitingSeconds: 600,
      sent: 2,
      failed: 1,
    };
    expect(hour.accounts).toEqual([
      { id: expect.any(String), name: '@alice.art', status: 'CONNECTED', ...alices },
    ]);
    expect(hour.sending).toEqual(alices);
  });

  it('counts nothing of another workspace, and tells a non-member nothing', async () => {
    const bobs = await readHealth(
      stack.services.db,
      bob.actor,
      { workspaceId: bobWorkspace, range: 'hour' },
      NOW,
    );
    expect(bobs.totals).toMatchObject({ events: 1, failedEvents: 5, lagP50Ms: 9000, processingP50Ms: 9000 });
    expect(bobs.accounts.map((a) => [a.name, a.queueDepth, a.failed])).toEqual([['@bob.bikes', 1, 1]]);

    const nosy = await readHealth(
      stack.services.db,
      bob.actor,
      { workspaceId: aliceWorkspace, range: 'hour' },
      NOW,
    );
    expect(nosy).toMatchObject({
      totals: empty,
      buckets: [],
      accounts: [],
      sending: { queueDepth: 0, failed: 0 },
    });
    const direct = await stack.services.db.withUser(bob.actor, async (trx) => ({
      health: await webhookHealth(trx, aliceWorkspace, healthWindow('day', NOW)),
      failures: await trx.selectFrom('ingest_failures').select('workspace_id').execute(),
    }));
    expect(direct.health).toEqual([]);
    expect(direct.failures.map((f) => f.workspace_id)).toEqual([bobWorkspace]);
  });
});

describe('running totals (decision 030)', () => {
  /** percentile_cont over exact samples, the reference the histograms approximate. */
  const exactPercentile = (values: number[], p: number) => {
    const sorted = [...values].sort((x, y) => x - y);
    const rank = p * (sorted.length - 1);
    const below = sorted[Math.floor(rank)] as number;
    const above = sorted[Math.ceil(rank)] as number;
    return below + (rank - Math.floor(rank)) * (above - below);
  };

  it('reads percentiles within one bin (2^(1/4)) of the exact ones, for generated timings', async () => {
    const workspaceId = (await createWorkspace(stack.services.db, alice.actor, 'Alice Generated')).id;
    const shop = await account(workspaceId, '17841400000000009', '@alice.generated');
    // Seeded: log-uniform timings from 1 ms to an hour, two deliveries a minute.
    const next = seededRandom(30).next;
    const timing = () => Math.round(Math.exp(next() * Math.log(3_600_000)));
    const lags: number[] = [];
    const processing: number[] = [];
    for (let minute = 0; minute < 40; minute++) {
      const timings = Array.from(
        { length: 1 + Math.floor(next() * 6) },
        () => [timing(), timing()] as [number, number],
      );
      await delivered(shop, new Date(at('09:40:00').getTime() + minute * 60_000), timings);
      lags.push(...timings.map(([lag]) => lag));
      processing.push(...timings.map(([, done]) => done));
    }
    const read = await readHealth(stack.services.db, alice.actor, { workspaceId, range: 'hour' }, NOW);
    expect(read.totals.events).toBe(lags.length);
    const bin = 2 ** (1 / 4);
    for (const [figure, exact] of [
      [read.totals.lagP50Ms, exactPercentile(lags, 0.5)],
      [read.totals.lagP95Ms, exactPercentile(lags, 0.95)],
      [read.totals.processingP50Ms, exactPercentile(processing, 0.5)],
      [read.totals.processingP95Ms, exactPercentile(processing, 0.95)],
    ] as const) {
      expect(figure).not.toBeNull();
      expect((figure as number) / exact).toBeGreaterThan(1 / bin);
      expect((figure as number) / exact).toBeLessThan(bin);
    }
  });

  it('never makes one worker wait for another: each adds to rows of its own', async () => {
    const workspaceId = (await createWorkspace(stack.services.db, alice.actor, 'Alice Concurrent')).id;
    const shop = await account(workspaceId, '17841400000000010', '@alice.concurrent');
    const { rows } = await sql(
      `insert into webhook_events (received_at, raw_body, signature_valid, status, account_ids)
       values ($1, '{}', true, 'PROCESSED', array[$2]) returning id`,
      [at('10:10:00'), shop.igId],
    );
    const workers = [new pg.Client(stack.database.superuserUrl), new pg.Client(stack.database.superuserUrl)];
    await Promise.all(workers.map((worker) => worker.connect()));
    try {
      for (const [index, worker] of workers.entries()) {
        await worker.query(`begin; set local lock_timeout = '2s'`);
        // Same workspace, minute and timings: the same bins. The first is still uncommitted.
        await worker.query(
          `insert into instagram_events (webhook_event_id, account_id, channel_connection_id, workspace_id, kind,
             dedupe_key, occurred_at, payload, status, received_at)
           values ($1, $2, $3, $4, 'message', $5, $6, '{}', 'APPLIED', $6)`,
          [rows[0]?.id, shop.igId, shop.connectionId, workspaceId, `concurrent-${index}`, at('10:10:00')],
        );
      }
      await Promise.all(workers.map((worker) => worker.query('commit')));
    } finally {
      await Promise.all(workers.map((worker) => worker.end()));
    }
    const read = await readHealth(stack.services.db, alice.actor, { workspaceId, range: 'hour' }, NOW);
    expect(read.totals).toMatchObject({ events: 2, lagP50Ms: 0, processingP50Ms: 0 });
  });
});

describe('health.overview over tRPC', () => {
  it('answers a member with the declared shape', async () => {
    const overview = await operatorClient(stack.api, alice).health.overview.query({
      workspaceId: aliceWorkspace,
      range: 'day',
    });
    expect(overview.range).toBe('day');
    expect(overview.buckets).toHaveLength(24);
    expect(overview.accounts.map((a) => a.name)).toEqual(['@alice.art']);
    // The fixtures' replies waiting now do not depend on the clock.
    expect(overview.sending).toMatchObject({ queueDepth: 3, uncertain: 1 });
  });

  it('refuses a non-member, an unknown range and a caller without a session', async () => {
    const nosy = await apiRefusal(
      operatorClient(stack.api, bob).health.overview.query({ workspaceId: aliceWorkspace, range: 'day' }),
    );
    expect(nosy.data?.code).toBe('NOT_FOUND');
    const badRange = await apiRefusal(
      operatorClient(stack.api, alice).health.overview.query({
        workspaceId: aliceWorkspace,
        range: 'week' as 'day',
      }),
    );
    expect(badRange.data?.code).toBe('BAD_REQUEST');
    const anonymous = await apiRefusal(
      apiClient(stack.api).health.overview.query({ workspaceId: aliceWorkspace, range: 'hour' }),
    );
    expect(anonymous.data?.code).toBe('UNAUTHORIZED');
  });
});
