// The Health screen fed by the real path: the Meta simulator's signed webhook POSTs (one POST
// carrying two workspaces' accounts), the webhook endpoint, the ledger, the queue and the ingest
// workers. Lag is measured from Meta's timestamps; a part of a delivery that fails counts only for
// the workspace whose account it belongs to, even for a workspace that once had that account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from '#dev/meta/app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from '#dev/meta/simulator.ts';
import type { Account, Customer } from '#dev/meta/world.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { connectSimulatorAccount } from '#dev/test/connections.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import { eventually } from '#dev/test/eventually.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { type ServedHandler, serveFetch } from '#dev/test/serve-fetch.ts';
import { receiveDelivery } from '../meta/webhook-endpoint.ts';
import { createServices, type Services } from '../services.ts';
import { createWorkspace } from '../team/index.ts';
import { startWorkers, type Workers } from '../worker.ts';
import { readHealth } from './read-health.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let meta: MetaSimulator;
let services: Services;
let workers: Workers;
let server: ServedHandler;
let alice: TestOperator;
let bob: TestOperator;
let aliceWorkspace: string;
let bobWorkspace: string;
let aliceShop: Account;
let bobShop: Account;
let customer: Customer;

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  const app = newMetaAppCredentials();
  meta = await startMetaSimulator({ app, delivery: { batchWindowMs: 20, retryDelaysMs: [0, 50, 100] } });
  services = createServices(
    testEnv(
      database,
      supabase,
      { INSTAGRAM_GRAPH_URL: meta.instagramGraphUrl, FACEBOOK_GRAPH_URL: meta.facebookGraphUrl },
      app,
    ),
  );
  workers = await startWorkers(services);
  server = await serveFetch((request) =>
    receiveDelivery(request, services.webhookEndpoint, services.webhookLedger),
  );
  meta.setWebhookUrl(`${server.url}/api/instagram/webhook`);

  [alice, bob] = await Promise.all([signUpOperator(supabase, 'alice'), signUpOperator(supabase, 'bob')]);
  aliceWorkspace = (await createWorkspace(services.db, alice.actor, 'Alice Art')).id;
  bobWorkspace = (await createWorkspace(services.db, bob.actor, 'Bob Bikes')).id;
  aliceShop = meta.addAccount({ username: 'alice.art', loginPath: 'instagram' });
  bobShop = meta.addAccount({ username: 'bob.bikes', loginPath: 'instagram' });
  customer = meta.addCustomer({ username: 'carla', name: 'Carla' });
  // Alice had Bob's account once and disconnected it; Bob connected it since.
  const former = await connectSimulatorAccount(database, services.cipher, aliceWorkspace, bobShop);
  await database.query("update channel_connections set status = 'DISCONNECTED' where id = $1", [former]);
  await connectSimulatorAccount(database, services.cipher, bobWorkspace, bobShop);
  await connectSimulatorAccount(database, services.cipher, aliceWorkspace, aliceShop);
});

afterAll(async () => {
  await meta?.stop();
  await server?.close();
  await workers?.stop();
  await services?.close();
  await supabase?.stop();
  await database?.drop();
});

const health = (operator: TestOperator, workspaceId: string) =>
  readHealth(services.db, operator.actor, { workspaceId, range: 'hour' });

const write = (account: Account, text: string, timestamp?: number) =>
  meta.sendText({ account: account.username, customer: customer.username, text, timestamp });

describe('health from real deliveries', () => {
  it("counts each workspace's events with Meta-to-us lag from Meta's timestamps", async () => {
    // Written four seconds before Meta delivers them, all in one POST for both accounts.
    const writtenAt = Date.now() - 4000;
    write(aliceShop, 'Hello', writtenAt);
    write(aliceShop, 'Is the blue print still available?', writtenAt + 1);
    write(aliceShop, 'In A3?', writtenAt + 2);
    write(bobShop, 'Do you fix gears?', writtenAt);

    const alices = await eventually(async () => {
      const view = await health(alice, aliceWorkspace);
      return view.totals.events === 3 && view;
    });
    expect(meta.deliveries().filter((d) => d.body.includes(aliceShop.igId))).toHaveLength(1);
    expect(alices.buckets.reduce((sum, b) => sum + b.events, 0)).toBe(3);
    expect(alices.totals.failedEvents).toBe(0);
    // Received a little after the four seconds; processed within seconds.
    expect(alices.totals.lagP50Ms).toBeGreaterThanOrEqual(3998);
    expect(alices.totals.lagP95Ms).toBeLessThan(4000 + 5000);
    expect(alices.totals.processingP95Ms).toBeGreaterThanOrEqual(0);
    expect(alices.totals.processingP95Ms).toBeLessThan(5000);

    const bobs = await eventually(async () => {
      const view = await health(bob, bobWorkspace);
      return view.totals.events === 1 && view;
    });
    expect(bobs.totals.lagP50Ms).toBeGreaterThanOrEqual(4000);
  });

  it('a failed part of a delivery counts only for the workspace whose account it is', async () => {
    // A real failure inside ingest, not a stand-in: the database refuses Bob's customer's messages.
    await database.query(`
      create function public.refuse_for_test() returns trigger language plpgsql as $$
      begin
        if new.content like 'explode%' then raise exception 'refused for the test'; end if;
        return new;
      end $$;
      create trigger refuse_for_test before insert on public.conversation_messages
        for each row execute function public.refuse_for_test();`);
    try {
      const before = await health(alice, aliceWorkspace);
      write(aliceShop, 'Thanks!');
      write(bobShop, 'explode once');
      write(bobShop, 'explode twice');

      const bobs = await eventually(async () => {
        const view = await health(bob, bobWorkspace);
        return view.totals.failedEvents > 0 && view;
      });
      // Both refused events are kept (quarantined) and counted as received, and as failed.
      expect(bobs.totals).toMatchObject({ events: 3, failedEvents: 2 });
      expect(bobs.buckets.reduce((sum, b) => sum + b.failedEvents, 0)).toBe(2);
      const { rows } = await database.query<{ status: string; account_ids: string[] }>(
        "select status, account_ids from webhook_events where status = 'FAILED'",
      );
      expect(rows).toEqual([
        { status: 'FAILED', account_ids: expect.arrayContaining([aliceShop.igId, bobShop.igId]) },
      ]);

      // Alice's part of the same delivery went in; none of Bob's failure is hers.
      const alices = await health(alice, aliceWorkspace);
      expect(alices.totals).toMatchObject({ events: before.totals.events + 1, failedEvents: 0 });
    } finally {
      await database.query(
        'drop trigger refuse_for_test on public.conversation_messages; drop function public.refuse_for_test()',
      );
    }
  });
});
