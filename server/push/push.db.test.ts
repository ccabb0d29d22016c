// Push notifications end to end: a customer writes through the Meta simulator (or a signed
// webhook POST), ingest stores the message and queues the push job in the same transaction, the
// workers run it, and the push stand-in receives what each provider would, over real HTTP (h2c for
// APNs). Operators register their devices and set their preferences through the tRPC API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MetaSimulator } from '#dev/meta/simulator.ts';
import type { Account } from '#dev/meta/world.ts';
import { newVapidKeys } from '#dev/push/credentials.ts';
import { type Received, receivedNotifications } from '#dev/push/received.ts';
import { type PushStandIn, startPushStandIn } from '#dev/push/stand-in.ts';
import { type BrowserKeys, newBrowserKeys } from '#dev/push/web-push-crypto.ts';
import { startSupabaseStandIn } from '#dev/supabase/server.ts';
import { operatorClient } from '#dev/test/api-stack.ts';
import { connectSimulatorAccount } from '#dev/test/connections.ts';
import { eventually } from '#dev/test/eventually.ts';
import { signUpTeam, type TestTeam } from '#dev/test/operators.ts';
import { type SimulatorIntake, startSimulatorIntake } from '#dev/test/simulator-intake.ts';
import { instagramDeliveryBody, signedTextDelivery } from '#dev/webhook-deliveries.ts';
import { signWebhookBody } from '../meta/webhook-signature.ts';
import { notifyNewMessage, pruneDeliveriesJob, readExpoReceipts } from './index.ts';

let standIn: PushStandIn;
let intake: SimulatorIntake;
let meta: MetaSimulator;
let team: TestTeam;
let account: Account;
const browsers = new Map<string, BrowserKeys>();
let n = 0;

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  intake.database.query<R>(text, values).then((r) => r.rows);
const client = (who: 'owner' | 'agent' | 'outsider') => operatorClient(intake.api, team[who]);

/** The devices: the owner's four kinds, the agent's phone, and an outsider's phone. */
const TOKENS = {
  ownerExpo: 'ExponentPushToken[owner-phone-000001]',
  ownerApns: 'a1'.repeat(32),
  ownerFcm: 'owner-android-registration-token:APA91b',
  agentExpo: 'ExponentPushToken[agent-phone-000002]',
  outsiderExpo: 'ExponentPushToken[outsider-phone-03]',
};
let ownerWeb: string;

async function registerDevices() {
  await client('owner').devices.register.mutate({ platform: 'expo', token: TOKENS.ownerExpo });
  await client('owner').devices.register.mutate({
    platform: 'apns',
    token: TOKENS.ownerApns,
    appId: 'com.example.inbox',
  });
  await client('owner').devices.register.mutate({
    platform: 'fcm',
    token: TOKENS.ownerFcm,
    appId: 'com.example.inbox',
  });
  const keys = newBrowserKeys();
  ownerWeb = standIn.newWebPushEndpoint();
  browsers.set(ownerWeb, keys);
  await client('owner').devices.register.mutate({
    platform: 'web',
    subscription: { endpoint: ownerWeb, keys: { p256dh: keys.p256dh, auth: keys.auth } },
  });
  await client('agent').devices.register.mutate({ platform: 'expo', token: TOKENS.agentExpo });
  await client('outsider').devices.register.mutate({ platform: 'expo', token: TOKENS.outsiderExpo });
}

/** A new customer writes `text`; resolves with their stored message once ingest has it. */
async function customerWrites(
  text: string,
  customer = meta.addCustomer({ username: `buyer.${++n}`, name: `Buyer Person ${n}` }),
) {
  const sent = meta.sendText({ account: account.igId, customer: customer.igsid, text });
  const [row] = await eventually(() =>
    sql<{ id: string; conversation_id: string }>(
      'select id, conversation_id from conversation_messages where external_message_id = $1',
      [sent.mid],
    ).then((rows) => rows.length > 0 && rows),
  );
  return { customer, messageId: row?.id as string, conversationId: row?.conversation_id as string };
}

const received = () => receivedNotifications(standIn, browsers);
const of = (messageId: string) => received().filter((r) => r.messageId === messageId);
/** Waits until the push job has settled every delivery of the message (none left to send). */
const settled = (messageId: string) =>
  eventually(async () => {
    const open = await sql(
      `select 1 from push_deliveries where message_id = $1 and status in ('PENDING', 'SENDING', 'RETRY')`,
      [messageId],
    );
    const jobs = await sql(
      `select 1 from pgboss.job where name = 'push-new-message' and state < 'completed' and data->>'messageId' = $1`,
      [messageId],
    );
    return open.length === 0 && jobs.length === 0;
  });
const addresses = (items: Received[]) => items.map((r) => r.address).sort();

beforeAll(async () => {
  standIn = await startPushStandIn();
  intake = await startSimulatorIntake({
    supabase: (db) => startSupabaseStandIn({ databaseUrl: db.superuserUrl }),
    env: standIn.env(newVapidKeys()),
  });
  meta = intake.meta;
  team = await signUpTeam(intake.supabase as NonNullable<typeof intake.supabase>, intake.database.db);
  account = meta.addAccount({ username: 'glaze.studio' });
  await connectSimulatorAccount(intake.database, intake.services.cipher, team.workspaceId, account);
});
beforeEach(async () => {
  standIn.reset();
  await sql(
    'delete from push_devices; delete from conversation_mutes; delete from user_notification_preferences',
  );
  await registerDevices();
});
afterAll(async () => {
  await intake?.stop();
  await standIn?.stop();
});

describe('a customer’s new message', () => {
  it('reaches every device of the members who hear about it, once, through every provider', async () => {
    const { messageId, conversationId } = await customerWrites('Is the blue vase still available?');
    await settled(messageId);
    const got = of(messageId);
    expect(addresses(got)).toEqual(
      [TOKENS.ownerExpo, TOKENS.ownerApns, TOKENS.ownerFcm, ownerWeb, TOKENS.agentExpo].sort(),
    );
    expect(new Set(got.map((r) => r.provider))).toEqual(new Set(['expo', 'apns', 'fcm', 'web']));
    for (const notification of got) {
      expect(notification).toMatchObject({
        workspaceId: team.workspaceId,
        conversationId,
        messageId,
        title: 'New message in Ceramics',
        badge: 1,
      });
    }
    // Never a person outside the workspace.
    expect(JSON.stringify(standIn.requests())).not.toContain(TOKENS.outsiderExpo);
  });

  it('carries no message content and no customer name, in any request any provider received', async () => {
    const text = 'My card number is 4417 and I live on Juniper Lane';
    const { customer, messageId } = await customerWrites(text);
    await settled(messageId);
    expect(of(messageId)).toHaveLength(5);
    const everything = [
      ...standIn.requests().map((r) => `${JSON.stringify(r.headers)} ${r.path} ${r.body}`),
      ...received().map((r) => r.text),
    ].join('\n');
    for (const secret of [text, '4417', 'Juniper', customer.name, customer.username, customer.igsid]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('an assigned conversation tells its assignee only; a muted one tells nobody; preferences are heard', async () => {
    // Badges count every unread conversation one hears about: start from none.
    await sql('update conversations set unread_count = 0');
    const first = await customerWrites('Hello?');
    await settled(first.messageId);
    const workspaceId = team.workspaceId;
    const conversationId = first.conversationId;
    await client('owner').inbox.update.mutate({
      workspaceId,
      conversationId,
      assignedTo: team.agent.actor.userId,
    });
    const again = await customerWrites('Anyone there?', await customerOf(conversationId));
    await settled(again.messageId);
    expect(addresses(of(again.messageId))).toEqual([TOKENS.agentExpo]);
    expect(of(again.messageId)[0]?.badge).toBe(2);

    await client('agent').notifications.mute.mutate({ workspaceId, conversationId });
    const muted = await customerWrites('Hellooo', await customerOf(conversationId));
    await settled(muted.messageId);
    expect(of(muted.messageId)).toEqual([]);

    // Unassigned again: the owner asked for their own conversations only, the agent hears all.
    await client('agent').notifications.unmute.mutate({ workspaceId, conversationId });
    await client('owner').inbox.update.mutate({ workspaceId, conversationId, assignedTo: null });
    await client('owner').notifications.updatePreferences.mutate({ workspaceId, notify: 'assigned' });
    const unassigned = await customerWrites('Still waiting', await customerOf(conversationId));
    await settled(unassigned.messageId);
    expect(addresses(of(unassigned.messageId))).toEqual([TOKENS.agentExpo]);
    expect(of(unassigned.messageId)[0]?.badge).toBe(4);
  });

  it('a token the provider no longer knows removes its device, and the others still get theirs', async () => {
    standIn.markUnregistered(TOKENS.ownerApns);
    standIn.markUnregistered(TOKENS.ownerExpo);
    standIn.markUnregistered(ownerWeb);
    const { messageId } = await customerWrites('Do you ship abroad?');
    await settled(messageId);
    expect(addresses(of(messageId))).toEqual([TOKENS.ownerFcm, TOKENS.agentExpo].sort());
    const left = await client('owner').devices.list.query();
    expect(left.map((d) => d.platform)).toEqual(['fcm']);
  });

  it('a token Expo learns later is unregistered (its receipt) forgets the device; the rest are delivered', async () => {
    const { messageId } = await customerWrites('Is it handmade?');
    await settled(messageId);
    standIn.markUnregistered(TOKENS.agentExpo);
    const report = await readExpoReceipts(intake.services, { now: new Date(Date.now() + 16 * 60_000) });
    expect(report).toEqual({ delivered: 1, failed: 0, forgotten: 1, expired: 0 });
    expect(await client('agent').devices.list.query()).toEqual([]);
    const statuses = await sql<{ platform: string; status: string }>(
      `select p.platform, d.status from push_deliveries d join push_devices p on p.id = d.device_id
       where d.message_id = $1 order by p.platform`,
      [messageId],
    );
    expect(statuses).toEqual([
      { platform: 'apns', status: 'SENT' },
      { platform: 'expo', status: 'DELIVERED' },
      { platform: 'fcm', status: 'SENT' },
      { platform: 'web', status: 'SENT' },
    ]);
    // Receipts not ready yet (sent less than 15 minutes ago) are not asked for.
    expect(await readExpoReceipts(intake.services)).toEqual({
      delivered: 0,
      failed: 0,
      forgotten: 0,
      expired: 0,
    });
    expect(standIn.requests('expo-receipts')).toHaveLength(1);
  });

  it('a 5xx or 429 is retried by the queue with backoff; nothing is sent twice', async () => {
    standIn.inject({ provider: 'apns', status: 503 });
    standIn.inject({ provider: 'fcm', status: 429 });
    const { messageId } = await customerWrites('Can I pick it up today?');
    await settled(messageId);
    const got = of(messageId);
    expect(addresses(got)).toEqual(
      [TOKENS.ownerExpo, TOKENS.ownerApns, TOKENS.ownerFcm, ownerWeb, TOKENS.agentExpo].sort(),
    );
    // Each refused once, then accepted once; the others were not sent again on the retry.
    expect(standIn.requests('apns').map((r) => r.status)).toEqual([503, 200]);
    expect(standIn.requests('fcm').map((r) => r.status)).toEqual([429, 200]);
    expect(standIn.requests('expo')).toHaveLength(1);
    expect(standIn.requests('web')).toHaveLength(1);
    const attempts = await sql<{ attempts: number }>(
      `select d.attempts from push_deliveries d join push_devices p on p.id = d.device_id
       where d.message_id = $1 order by p.platform`,
      [messageId],
    );
    expect(attempts.map((a) => a.attempts)).toEqual([2, 1, 1, 2, 1]); // apns, expo, expo, fcm, web
  });

  it('runs of the job again, at once or after it finished, send nothing twice; a run that died calling is not repeated', async () => {
    const { messageId, conversationId } = await customerWrites('Gift wrapping?');
    await settled(messageId);
    const ref = { workspaceId: team.workspaceId, conversationId, messageId };
    const reports = await Promise.all([1, 2, 3].map(() => notifyNewMessage(intake.services, ref)));
    expect(reports.map((r) => r.sent)).toEqual([0, 0, 0]);
    expect(of(messageId)).toHaveLength(5);

    // A worker that died between claiming and recording left SENDING: it stays unsent.
    const next = await customerWritesWithoutPush('And a card?', conversationId);
    await sql(
      `insert into push_deliveries (message_id, device_id, status, attempts)
       select $1, id, 'SENDING', 1 from push_devices where user_id = $2`,
      [next, team.owner.actor.userId],
    );
    const report = await notifyNewMessage(intake.services, { ...ref, messageId: next });
    expect(report.sent).toBe(1); // the agent's phone only
    expect(addresses(of(next))).toEqual([TOKENS.agentExpo]);
  });
});

describe('queued by ingest', () => {
  it('queues no job where no member has a device; a phone registered later hears the next message', async () => {
    await sql(
      'delete from push_devices where user_id in (select user_id from workspace_members where workspace_id = $1)',
      [team.workspaceId],
    );
    const jobsOf = (messageId: string) =>
      sql(`select 1 from pgboss.job where name = 'push-new-message' and data->>'messageId' = $1`, [
        messageId,
      ]);
    // The job would be queued with the message, in its transaction: none now means none ever.
    // (The outsider's phone is no member's.)
    const first = await customerWrites('Anyone there?');
    expect(await jobsOf(first.messageId)).toEqual([]);

    await client('owner').devices.register.mutate({ platform: 'expo', token: TOKENS.ownerExpo });
    const second = await customerWrites('Hello?', first.customer);
    await settled(second.messageId);
    expect(addresses(of(second.messageId))).toEqual([TOKENS.ownerExpo]);
  });

  it('one job per conversation per batch, for its latest new message; a redelivery queues nothing', async () => {
    const [a, b] = [meta.addCustomer({ username: 'batch.a' }), meta.addCustomer({ username: 'batch.b' })];
    const t0 = Date.now();
    const item = (customer: typeof a, i: number) => ({
      sender: { id: customer.igsid },
      recipient: { id: account.igId },
      timestamp: t0 + i,
      message: { mid: `aWdfbatch${customer.igsid}${i}`, text: `part ${i}` },
    });
    // Out of order within the batch: the latest is chosen by Meta's timestamp.
    const body = instagramDeliveryBody([
      { id: account.igId, messaging: [item(a, 0), item(a, 2), item(a, 1), item(b, 3), item(b, 4)] },
    ]);
    const post = () =>
      fetch(intake.webhookUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Hub-Signature-256': signWebhookBody(body, intake.services.env.INSTAGRAM_APP_SECRET),
        },
        body,
      });
    expect((await post()).status).toBe(200);
    const latest = await eventually(async () => {
      const rows = await sql<{ id: string; external_message_id: string }>(
        'select id, external_message_id from conversation_messages where external_message_id = any($1)',
        [[`aWdfbatch${a.igsid}2`, `aWdfbatch${b.igsid}4`]],
      );
      return rows.length === 2 && rows.map((r) => r.id).sort();
    });
    const jobs = () =>
      sql<{ message_id: string }>(
        `select data->>'messageId' as message_id from pgboss.job
         where name = 'push-new-message' and data->>'conversationId' in (
           select conversation_id::text from conversation_messages where external_message_id like 'aWdfbatch%')
         order by 1`,
      );
    expect((await jobs()).map((j) => j.message_id)).toEqual(latest);
    for (const messageId of latest) await settled(messageId);
    expect((await post()).status).toBe(200);
    // The redelivery is stored (it was acknowledged) and ingested.
    await eventually(
      async () => (await sql("select 1 from webhook_events where status = 'RECEIVED'")).length === 0,
    );
    expect((await jobs()).map((j) => j.message_id)).toEqual(latest);
  });
});

describe('latency', () => {
  it('from the webhook POST to the push service, over real HTTP (p50 and p95 printed)', async () => {
    await sql('delete from push_devices where user_id <> $1', [team.agent.actor.userId]);
    const secret = intake.services.env.INSTAGRAM_APP_SECRET;
    const latencies: number[] = [];
    for (let i = 0; i < 30; i++) {
      const customer = meta.addCustomer({ username: `timed.${i}` });
      const delivery = signedTextDelivery({
        account: account.igId,
        customer: customer.igsid,
        text: `t${i}`,
        secret,
      });
      const postedAt = performance.timeOrigin + performance.now();
      const response = await fetch(intake.webhookUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': delivery.signature },
        body: delivery.body,
      });
      expect(response.status).toBe(200);
      const [row] = await eventually(() =>
        sql<{ id: string }>('select id from conversation_messages where external_message_id = $1', [
          delivery.mid,
        ]).then((rows) => rows.length > 0 && rows),
      );
      const [push] = await eventually(() => of(row?.id as string).length > 0 && of(row?.id as string));
      latencies.push((push as Received).receivedAt - postedAt);
    }
    latencies.sort((a, b) => a - b);
    const p = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;
    console.log(
      `push latency, webhook POST → push service (${latencies.length} messages): p50 ${p(0.5).toFixed(1)} ms, p95 ${p(0.95).toFixed(1)} ms, max ${p(1).toFixed(1)} ms`,
    );
    expect(latencies).toHaveLength(30);
  });
});

/** The simulator customer of a conversation (to write again in the same thread). */
async function customerOf(conversationId: string) {
  const [row] = await sql<{ contact_identifier: string }>(
    'select contact_identifier from conversations where id = $1',
    [conversationId],
  );
  const customer = meta.customers().find((c) => c.igsid === row?.contact_identifier);
  if (!customer) throw new Error('no such customer');
  return customer;
}

/** A customer message stored directly (no ingest, so no push job): for driving the job by hand. */
async function customerWritesWithoutPush(text: string, conversationId: string): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, content, status,
       external_message_id)
     select workspace_id, id, channel_connection_id, 'INBOUND', $2, 'RECEIVED', gen_random_uuid()::text
     from conversations where id = $1 returning id`,
    [conversationId, text],
  );
  return row?.id as string;
}

describe('signing out', () => {
  // Last: the agent's session ends here for good.
  it('silences a device at once, and the hourly prune then drops it', async () => {
    await sql('delete from auth.sessions where user_id = $1', [team.agent.actor.userId]);
    const { messageId } = await customerWrites('Anyone?');
    await settled(messageId);
    expect(addresses(of(messageId))).toEqual(
      [TOKENS.ownerExpo, TOKENS.ownerApns, TOKENS.ownerFcm, ownerWeb].sort(),
    );
    await pruneDeliveriesJob.run(intake.services, {});
    const left = await sql<{ user_id: string }>('select distinct user_id from push_devices');
    expect(left.map((d) => d.user_id).sort()).toEqual(
      [team.owner.actor.userId, team.outsider.actor.userId].sort(),
    );
  });
});
