// The ledger's group commit against the real database and queue: one write at a time, so that
// deliveries arriving meanwhile make one large batch; another write beside it only for a full
// batch or when the write in flight stalls. The first write is held open by a gate around the
// real database, to stand for a slow commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import type { Database } from '../db/database.ts';
import type { IncomingWebhook, WebhookLedger } from '../meta/webhook-endpoint.ts';
import { createServices, type Services } from '../services.ts';
import { createWebhookLedger } from './webhook-ledger.ts';

let database: TestDatabase;
let services: Services;

beforeAll(async () => {
  database = await createTestDatabase();
  services = createServices(testEnv(database));
});

afterAll(async () => {
  await services?.close();
  await database?.drop();
});

/** A ledger whose first write waits for `release()`, recording each write's size. */
function heldLedger(options: { maxBatch?: number; stalledWriteMs: number }) {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let calls = 0;
  const db: Database = {
    ...services.db,
    withService: async (fn) => {
      if (calls++ === 0) await held;
      return services.db.withService(fn);
    },
  };
  const batches: number[] = [];
  const ledger = createWebhookLedger(
    {
      db,
      enqueue: (trx, job, payload) => {
        batches.push((payload as { webhookEventIds: string[] }).webhookEventIds.length);
        return services.enqueue(trx, job, payload);
      },
    },
    options,
  );
  return { ledger, batches, release };
}

let sequence = 0;
function webhook(): IncomingWebhook {
  sequence += 1;
  return { rawBody: Buffer.from(`{"object":"instagram","n":${sequence}}`), headers: {}, object: 'instagram' };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Appends `count` deliveries, each in its own turn of the event loop (as requests arrive). */
async function appendSpread(ledger: WebhookLedger, count: number): Promise<Promise<string>[]> {
  const appended: Promise<string>[] = [];
  for (let i = 0; i < count; i++) {
    appended.push(ledger.append(webhook()));
    await nextTurn();
  }
  return appended;
}

/** One delivery, whose write (the ledger's first) has started by the time this returns. */
async function appendFirst(ledger: WebhookLedger): Promise<{ first: Promise<string> }> {
  const [first] = await appendSpread(ledger, 1);
  return { first: first as Promise<string> };
}

async function storedCount(ids: string[]): Promise<number> {
  const { rows } = await database.query<{ n: number }>(
    'select count(*)::int as n from webhook_events where id = any($1::bigint[])',
    [ids],
  );
  return rows[0]?.n ?? 0;
}

describe('the ledger’s group commit', () => {
  it('writes one batch at a time: what arrives during a write goes in the next one, together', async () => {
    const { ledger, batches, release } = heldLedger({ stalledWriteMs: 60_000 });
    const { first } = await appendFirst(ledger);
    const later = await appendSpread(ledger, 20);
    release();
    const ids = await Promise.all([first, ...later]);
    expect(batches).toEqual([1, 20]);
    expect(new Set(ids).size).toBe(21);
    expect(await storedCount(ids)).toBe(21);
  });

  it('starts another write beside one that stalls, so a slow commit does not hold every delivery', async () => {
    const { ledger, batches, release } = heldLedger({ stalledWriteMs: 30 });
    const { first } = await appendFirst(ledger);
    const later = await appendSpread(ledger, 5);
    // Stored while the first write is still held: it is released only after.
    const laterIds = await Promise.all(later);
    expect(await storedCount(laterIds)).toBe(5);
    release();
    expect(await storedCount([await first])).toBe(1);
    expect(batches).toEqual([5, 1]);
  });

  it('writes a full batch at once, without waiting for the write in flight', async () => {
    const { ledger, batches, release } = heldLedger({ maxBatch: 10, stalledWriteMs: 60_000 });
    const { first } = await appendFirst(ledger);
    const full = await appendSpread(ledger, 10);
    // Stored while the first write is still held.
    const fullIds = await Promise.all(full);
    expect(await storedCount(fullIds)).toBe(10);
    const rest = await appendSpread(ledger, 3);
    release();
    const ids = await Promise.all([first, ...rest]);
    expect(await storedCount(ids)).toBe(4);
    expect(batches).toEqual([10, 1, 3]);
  });
});
