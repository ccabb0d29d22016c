// Missed-webhook recovery against the Meta simulator, through the real workers: webhooks Meta
// never sent (a share of them dropped) are found by a reconciliation and the inbox then holds
// exactly what was sent; an app Meta unsubscribed after an hour of failed deliveries is subscribed
// again, the operator is told, and what was missed meanwhile is recovered. A worker starting
// reconciles every connected account.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetaSimulator } from '#dev/meta/simulator.ts';
import type { Account } from '#dev/meta/world.ts';
import { connectSimulatorAccount } from '#dev/test/connections.ts';
import type { TestDatabase } from '#dev/test/database.ts';
import { eventually } from '#dev/test/eventually.ts';
import { importOutcome, importSettled, inboxOf, SETTLED_AGO } from '#dev/test/history-imports.ts';
import { type ServedHandler, serveFetch } from '#dev/test/serve-fetch.ts';
import { type SimulatorIntake, startSimulatorIntake } from '#dev/test/simulator-intake.ts';
import { createServices, type Services } from '../services.ts';
import { startWorkers } from '../worker.ts';
import { startHistoryImport } from './start-history-import.ts';

const HOUR = 60 * 60 * 1000;

let intake: SimulatorIntake;
let database: TestDatabase;
let meta: MetaSimulator;
let services: Services;
let failing: ServedHandler;
let n = 0;

beforeAll(async () => {
  intake = await startSimulatorIntake();
  ({ database, meta, services } = intake);
  // An endpoint that is down: every delivery fails.
  failing = await serveFetch(async () => new Response('down', { status: 503 }));
});

afterAll(async () => {
  await failing?.close();
  await intake?.stop();
});

async function connect(): Promise<{ account: Account; workspaceId: string; connectionId: string }> {
  n += 1;
  const account = meta.addAccount({ username: `reconcile.${n}` });
  const { rows } = await database.query<{ id: string }>(
    "insert into workspaces (name) values ('Shop') returning id",
  );
  const workspaceId = rows[0]?.id as string;
  const connectionId = await connectSimulatorAccount(database, services.cipher, workspaceId, account);
  return { account, workspaceId, connectionId };
}

const reconcile = (connected: { workspaceId: string; connectionId: string }) =>
  startHistoryImport(services, { ...connected, kind: 'RECONCILE', requestedBy: null });

/** Until every delivery Meta made has been stored and ingested. */
async function webhooksSettled(): Promise<void> {
  await meta.idle();
  await eventually(async () => {
    const { rows } = await database.query("select 1 from webhook_events where status = 'RECEIVED' limit 1");
    return rows.length === 0;
  });
}

describe('a reconciliation', () => {
  it('recovers the webhooks Meta dropped: the inbox then holds exactly what was sent', async () => {
    const connected = await connect();
    const igId = connected.account.igId;
    meta.dropWebhooks({ account: igId, probability: 0.2, seed: 15 });
    const sent: string[] = [];
    for (let c = 0; c < 10; c += 1) {
      const customer = meta.addCustomer({ username: `dropped.${n}.${c}` });
      for (let m = 0; m < 10; m += 1) {
        const target = { account: igId, customer: customer.igsid };
        const message =
          m % 3 === 2
            ? meta.businessEcho({ ...target, text: `answer ${m}`, timestamp: Date.now() - SETTLED_AGO })
            : meta.sendText({ ...target, text: `question ${m}`, timestamp: Date.now() - SETTLED_AGO });
        sent.push(message.mid);
      }
    }
    await webhooksSettled();
    const dropped = meta.droppedWebhooks().filter((d) => d.event.entryId === igId).length;
    expect(dropped).toBeGreaterThan(10);
    expect(await inboxOf(database, connected.connectionId)).toHaveLength(sent.length - dropped);
    meta.clearWebhookDrops();

    const { importId } = await reconcile(connected);
    await importSettled(database, importId);
    expect((await inboxOf(database, connected.connectionId)).map((m) => m.mid).sort()).toEqual(sent.sort());
    expect(await importOutcome(database, importId)).toEqual({
      kind: 'RECONCILE',
      status: 'DONE',
      conversations: 10,
      new_messages: dropped,
      subscription_problem: null,
      resubscribed: false,
    });
  });

  it('subscribes the app again when Meta dropped it after an hour of failures, says so, and recovers what was missed', async () => {
    const connected = await connect();
    const igId = connected.account.igId;
    const customer = meta.addCustomer({ username: `unsubscribed.${n}` });
    const before = meta.sendText({ account: igId, customer: customer.igsid, text: 'before the outage' });
    await webhooksSettled();
    // A first look, so the reconciliation later starts from there.
    await importSettled(database, (await reconcile(connected)).importId);

    // Our endpoint is down for an hour of Meta's time: Meta unsubscribes the app.
    meta.setWebhookUrl(`${failing.url}/api/instagram/webhook`);
    meta.freezeClock();
    const missed = [
      meta.sendText({
        account: igId,
        customer: customer.igsid,
        text: 'during the outage',
        timestamp: Date.now() - SETTLED_AGO,
      }),
    ];
    await meta.idle();
    meta.advanceClock(HOUR);
    missed.push(
      meta.sendText({
        account: igId,
        customer: customer.igsid,
        text: 'an hour later',
        timestamp: Date.now() - SETTLED_AGO,
      }),
    );
    await meta.idle();
    expect(meta.webhookUnsubscriptions().map((u) => u.accountIgId)).toContain(igId);
    meta.resumeClock();
    meta.setWebhookUrl(intake.webhookUrl);
    // Back up, but Meta sends nothing more: this message is in the world only.
    missed.push(
      meta.sendText({
        account: igId,
        customer: customer.igsid,
        text: 'after the outage',
        timestamp: Date.now() - SETTLED_AGO,
      }),
    );
    await meta.idle();

    const { importId } = await reconcile(connected);
    await importSettled(database, importId);
    expect((await inboxOf(database, connected.connectionId)).map((m) => m.mid).sort()).toEqual(
      [before.mid, ...missed.map((m) => m.mid)].sort(),
    );
    expect(await importOutcome(database, importId)).toMatchObject({
      kind: 'RECONCILE',
      new_messages: missed.length,
      subscription_problem: expect.stringContaining('stopped sending'),
      resubscribed: true,
    });
    // Meta sends the account's webhooks again.
    const after = meta.sendText({ account: igId, customer: customer.igsid, text: 'resubscribed' });
    await eventually(async () =>
      (await inboxOf(database, connected.connectionId)).some((m) => m.mid === after.mid),
    );
  });
});

it('a starting worker reconciles every connected account', async () => {
  const connected = await connect();
  const customer = meta.addCustomer({ username: `at.start.${n}` });
  const missed = meta.sendText({
    account: connected.account.igId,
    customer: customer.igsid,
    text: 'while no one listened',
    deliver: false,
    timestamp: Date.now() - SETTLED_AGO,
  });
  const starting = createServices({ ...services.env, RUN_JOBS_AT_START: true });
  const second = await startWorkers(starting);
  try {
    await eventually(async () =>
      (await inboxOf(database, connected.connectionId)).some((m) => m.mid === missed.mid),
    );
  } finally {
    await second.stop();
    await starting.close();
  }
});
