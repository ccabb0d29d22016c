import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import type { DeliveryOptions } from './webhook-delivery.ts';
import { type ReceivedPost, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
import type { Account } from './world.ts';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

let receiver: WebhookReceiver;
let sim: MetaSimulator;
let shop: Account;
/** IG_IDs whose POSTs the app's endpoint fails with 500. */
let failing: Set<string>;

async function start(delivery: Partial<DeliveryOptions> = {}) {
  sim = await startMetaSimulator({
    app: newMetaAppCredentials(),
    webhookUrl: receiver.url,
    delivery: { retryDelaysMs: [], ...delivery },
  });
  shop = sim.addAccount({ username: 'acme.store' });
  sim.addCustomer({ username: 'jane.doe' });
  // Time moves only when a test moves it.
  sim.freezeClock();
}

beforeEach(async () => {
  failing = new Set();
  receiver = await startWebhookReceiver((post: ReceivedPost) =>
    post.body.entry.some((entry) => failing.has(entry.id)) ? 500 : 200,
  );
});

afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

/** A message from jane.doe, sent through to the end (delivered, failed or not sent). */
async function write(text: string, account = 'acme.store') {
  sim.sendText({ account, customer: 'jane.doe', text });
  await sim.idle();
}

async function subscribedApps(account: Account = shop, method = 'GET', query = '') {
  const response = await fetch(
    `${sim.instagramGraphUrl}/v25.0/me/subscribed_apps?access_token=${account.accessToken}${query}`,
    { method },
  );
  return (await response.json()) as { data?: { subscribed_fields: string[] }[] };
}

const postedTexts = () =>
  receiver.posts.flatMap((post) =>
    post.body.entry.flatMap((entry) =>
      (entry.messaging ?? []).map((item) => (item.message as { text: string }).text),
    ),
  );

describe('Meta’s unsubscribe rule', () => {
  it('unsubscribes an account whose deliveries have failed for an hour, and records when and why', async () => {
    await start();
    expect(sim.deliveryOptions().unsubscribeAfterFailingMs).toBe(HOUR);
    failing.add(shop.igId);
    const since = sim.now();
    await write('first failure');
    sim.advanceClock(HOUR - 1);
    await write('still within the hour');
    expect((await subscribedApps()).data).toHaveLength(1);
    expect(sim.webhookUnsubscriptions()).toEqual([]);

    sim.advanceClock(1);
    await write('an hour of failures');
    expect(await subscribedApps()).toEqual({ data: [] });
    expect(sim.webhookUnsubscriptions()).toEqual([
      {
        accountIgId: shop.igId,
        at: since + HOUR,
        failingSince: since,
        subscribedFields: expect.arrayContaining(['messages']),
        reason: expect.stringContaining('(60 min): Meta disabled the webhooks and unsubscribed the app'),
      },
    ]);
    expect(sim.accounts()[0]?.subscribedFields).toEqual([]);

    // The endpoint recovers, but nothing is sent until the app subscribes again.
    failing.clear();
    await write('sent to no one');
    expect(postedTexts()).not.toContain('sent to no one');
    expect(sim.thread('acme.store', 'jane.doe').messages.map((m) => m.text)).toContain('sent to no one');
    expect(await subscribedApps(shop, 'POST', '&subscribed_fields=messages')).toEqual({ success: true });
    await write('subscribed again');
    expect(postedTexts().at(-1)).toBe('subscribed again');
    expect(sim.webhookUnsubscriptions()).toHaveLength(1);
  });

  it('starts the hour again after any delivery gets through', async () => {
    await start();
    failing.add(shop.igId);
    await write('fails');
    sim.advanceClock(59 * MINUTE);
    failing.clear();
    await write('gets through');
    failing.add(shop.igId);
    sim.advanceClock(59 * MINUTE);
    await write('fails again');
    sim.advanceClock(59 * MINUTE);
    await write('fails for 59 minutes');
    expect((await subscribedApps()).data).toHaveLength(1);
    sim.advanceClock(MINUTE);
    await write('fails for an hour');
    expect(await subscribedApps()).toEqual({ data: [] });
  });

  it('counts each account’s failures on their own, on both login paths', async () => {
    await start({ unsubscribeAfterFailingMs: 10 * MINUTE });
    const page = sim.addAccount({ username: 'acme.page', loginPath: 'facebook' });
    const other = sim.addAccount({ username: 'other.shop' });
    failing.add(shop.igId);
    failing.add(page.igId);
    for (const account of ['acme.store', 'acme.page', 'other.shop']) await write('first', account);
    sim.advanceClock(10 * MINUTE);
    for (const account of ['acme.store', 'acme.page', 'other.shop']) await write('second', account);
    expect(sim.webhookUnsubscriptions().map((removal) => removal.accountIgId)).toEqual([
      shop.igId,
      page.igId,
    ]);
    expect((await subscribedApps(other)).data).toHaveLength(1);
    const pageApps = await fetch(
      `${sim.facebookGraphUrl}/v25.0/${page.pageId}/subscribed_apps?access_token=${page.accessToken}`,
    );
    expect(await pageApps.json()).toEqual({ data: [] });
  });

  it('calls off a queued retry once the account is unsubscribed', async () => {
    await start({ retryDelaysMs: [20, 20] });
    failing.add(shop.igId);
    await write('starts the streak');
    const posts = receiver.posts.length;
    sim.advanceClock(HOUR);
    await write('ends it');
    expect(receiver.posts.length).toBe(posts + 1);
    expect(sim.deliveries().at(-1)).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: 'not sent: the app is no longer subscribed to the account',
      entryIds: [shop.igId],
    });
  });

  it('is set through the control API, which reports the removals', async () => {
    await start();
    const control = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${sim.url}/control${route}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    expect(await control('POST', '/delivery', { unsubscribeAfterFailingMs: 0 })).toMatchObject({
      unsubscribeAfterFailingMs: 0,
    });
    failing.add(shop.igId);
    await write('one failure is enough now');
    expect(await control('GET', '/unsubscriptions')).toEqual([
      expect.objectContaining({ accountIgId: shop.igId, at: sim.now(), failingSince: sim.now() }),
    ]);
    expect((await control('GET', '/status')).accounts).toEqual([
      expect.objectContaining({ username: 'acme.store', subscribed: false }),
    ]);
  });
});
