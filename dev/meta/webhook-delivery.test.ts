import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWebhookSignature } from '#server/meta/webhook-signature.ts';
import { type MetaAppCredentials, newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import type { DeliveryOptions } from './webhook-delivery.ts';
import { type ReceivedPost, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

let app: MetaAppCredentials;
let receiver: WebhookReceiver;
let sim: MetaSimulator;

async function start(delivery: Partial<DeliveryOptions> = {}) {
  sim = await startMetaSimulator({
    app,
    webhookUrl: receiver.url,
    delivery: { retryDelaysMs: [10, 10, 10], timeoutMs: 1000, ...delivery },
  });
  const account = sim.addAccount({ username: 'acme.store' });
  const customer = sim.addCustomer({ username: 'jane.doe', name: 'Jane Doe' });
  return { account, customer, to: { account: account.igId, customer: customer.igsid } };
}

const texts = (post: ReceivedPost) =>
  post.body.entry
    .flatMap((entry) => entry.messaging ?? [])
    .map((item) => (item.message as { text: string }).text);

beforeEach(async () => {
  app = newMetaAppCredentials();
  receiver = await startWebhookReceiver();
});

afterEach(async () => {
  await sim?.stop();
  await receiver.close();
});

describe('signing', () => {
  it('signs with the Instagram app secret on the Instagram path and the Meta app secret on the Facebook path', async () => {
    const { account, customer } = await start();
    const pageAccount = sim.addAccount({ username: 'acme.page', loginPath: 'facebook' });
    sim.sendText({ account: account.username, customer: customer.username, text: 'via instagram login' });
    sim.sendText({ account: pageAccount.username, customer: customer.username, text: 'via facebook login' });
    await sim.idle();

    expect(receiver.posts).toHaveLength(2);
    const byAccount = (igId: string) =>
      receiver.posts.find((post) => post.body.entry[0]?.id === igId) as ReceivedPost;
    const instagram = byAccount(account.igId);
    const facebook = byAccount(pageAccount.igId);
    const header = (post: ReceivedPost) => post.headers['x-hub-signature-256'] as string;

    expect(checkWebhookSignature(instagram.raw, header(instagram), [app.instagramAppSecret]).valid).toBe(
      true,
    );
    expect(checkWebhookSignature(instagram.raw, header(instagram), [app.metaAppSecret]).valid).toBe(false);
    expect(checkWebhookSignature(facebook.raw, header(facebook), [app.metaAppSecret]).valid).toBe(true);
    expect(checkWebhookSignature(facebook.raw, header(facebook), [app.instagramAppSecret]).valid).toBe(false);
    expect(header(instagram)).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(instagram.headers['content-type']).toBe('application/json');
    expect(instagram.headers['user-agent']).toBe('facebookexternalua');
  });

  it('escapes non-ASCII as lowercase \\uXXXX (and / as \\/) and signs exactly those bytes', async () => {
    const { to } = await start();
    const text = 'Olá! äöå 👋 <b>';
    sim.sendAttachments({
      ...to,
      text,
      attachments: [{ type: 'image', url: 'https://cdn.example.com/a.jpg' }],
    });
    await sim.idle();

    const [post] = receiver.posts as [ReceivedPost];
    const raw = post.raw.toString('latin1');
    expect(raw).toContain('"text":"Ol\\u00e1! \\u00e4\\u00f6\\u00e5 \\ud83d\\udc4b <b>"');
    expect(raw).toContain('"url":"https:\\/\\/cdn.example.com\\/a.jpg"');
    expect([...post.raw].every((byte) => byte < 0x80)).toBe(true);
    const check = checkWebhookSignature(post.raw, post.headers['x-hub-signature-256'] as string, [
      app.instagramAppSecret,
    ]);
    expect(check.valid).toBe(true);
    expect(post.body.entry[0]?.messaging?.[0]?.message).toMatchObject({ text });
  });
});

describe('batching', () => {
  it('aggregates events of one window into one POST with one entry per account', async () => {
    const { account, customer } = await start({ batchWindowMs: 30 });
    const other = sim.addAccount({ username: 'other.shop' });
    const first = sim.sendText({ account: account.igId, customer: customer.igsid, text: 'one' });
    sim.sendText({ account: other.igId, customer: customer.igsid, text: 'two' });
    sim.react({ account: account.igId, customer: customer.igsid, mid: first.mid });
    await sim.idle();

    expect(receiver.posts).toHaveLength(1);
    const { body } = receiver.posts[0] as ReceivedPost;
    expect(body.object).toBe('instagram');
    expect(body.entry.map((entry) => entry.id)).toEqual([account.igId, other.igId]);
    const [mine, theirs] = body.entry;
    expect(mine?.messaging).toHaveLength(2);
    expect(mine?.messaging?.[0]?.message).toEqual({ mid: first.mid, text: 'one' });
    expect(mine?.messaging?.[1]?.reaction).toMatchObject({ mid: first.mid, action: 'react' });
    expect(theirs?.messaging).toHaveLength(1);
    expect(Math.abs((mine?.time ?? 0) - Date.now())).toBeLessThan(5000);
    expect(sim.deliveries()).toMatchObject([{ events: 3, attempts: 1, state: 'delivered', lastStatus: 200 }]);
  });

  it('puts at most maxBatch events in one POST', async () => {
    const { to } = await start({ maxBatch: 2 });
    for (const text of ['a', 'b', 'c', 'd', 'e']) sim.sendText({ ...to, text });
    await sim.idle();

    expect(receiver.posts.map(texts)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('sends separate windows as separate POSTs', async () => {
    const { to } = await start({ batchWindowMs: 5 });
    sim.sendText({ ...to, text: 'first' });
    await sim.idle();
    sim.sendText({ ...to, text: 'second' });
    await sim.idle();

    expect(receiver.posts.map(texts)).toEqual([['first'], ['second']]);
  });

  it('puts standby events under entry.standby', async () => {
    const { to } = await start();
    sim.sendText({ ...to, text: 'handled by another app', standby: true });
    await sim.idle();

    const entry = receiver.posts[0]?.body.entry[0];
    expect(entry?.messaging).toBeUndefined();
    expect(entry?.standby?.[0]?.message).toMatchObject({ text: 'handled by another app' });
  });
});

describe('at-least-once delivery', () => {
  it('retries after a 500 and then delivers the same bytes', async () => {
    const { to } = await start();
    receiver.respondWith((_post, index) => (index === 0 ? 500 : 200));
    sim.sendText({ ...to, text: 'retry me' });
    await sim.idle();

    expect(receiver.posts).toHaveLength(2);
    expect(receiver.posts[1]?.raw.equals(receiver.posts[0]?.raw as Buffer)).toBe(true);
    expect(receiver.posts[1]?.headers['x-hub-signature-256']).toBe(
      receiver.posts[0]?.headers['x-hub-signature-256'],
    );
    expect(sim.deliveries()).toMatchObject([
      { attempts: 2, state: 'delivered', lastStatus: 200, lastError: null },
    ]);
  });

  it('retries after a timeout', async () => {
    const { to } = await start({ timeoutMs: 300 });
    receiver.respondWith((_post, index) => (index === 0 ? 'hang' : 200));
    sim.sendText({ ...to, text: 'slow endpoint' });
    await sim.idle();

    // Every attempt has the short timeout, so a busy machine may time out an answered one too:
    // what matters is that the hung first attempt was retried until one was acknowledged.
    const attempts = receiver.posts.length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(sim.deliveries()).toMatchObject([{ attempts, state: 'delivered', lastStatus: 200 }]);
  });

  it('gives up after the retry schedule and marks the POST failed', async () => {
    const { to } = await start({ retryDelaysMs: [5, 5, 5] });
    receiver.respondWith(() => 503);
    sim.sendText({ ...to, text: 'never acknowledged' });
    await sim.idle();

    expect(receiver.posts).toHaveLength(4);
    expect(sim.deliveries()).toMatchObject([
      { attempts: 4, state: 'failed', lastStatus: 503, lastError: 'HTTP 503' },
    ]);
  });

  it('treats a refused connection as a failed attempt', async () => {
    const { to } = await start({ retryDelaysMs: [5] });
    const closed = await startWebhookReceiver();
    await closed.close();
    sim.setWebhookUrl(closed.url);
    sim.sendText({ ...to, text: 'nobody home' });
    await sim.idle();

    const [record] = sim.deliveries();
    expect(record).toMatchObject({ attempts: 2, state: 'failed', lastStatus: null });
    expect(record?.lastError).toMatch(/ECONNREFUSED/);
  });

  it('keeps retrying until a webhook URL is set', async () => {
    const { to } = await start({ retryDelaysMs: [250, 250, 250] });
    sim.setWebhookUrl(undefined);
    sim.sendText({ ...to, text: 'early event' });
    await expect.poll(() => sim.deliveries()[0]?.attempts).toBe(1);
    expect(sim.deliveries()[0]?.lastError).toBe('no webhook URL is set');
    sim.setWebhookUrl(receiver.url);
    await sim.idle();

    expect(sim.deliveries()).toMatchObject([{ state: 'delivered', lastStatus: 200 }]);
    expect(sim.deliveries()[0]?.attempts).toBeGreaterThanOrEqual(2);
    expect(receiver.posts.map(texts)).toEqual([['early event']]);
  });
});

describe('duplicates and reordering', () => {
  it('sends every POST twice, byte for byte, when duplicateProbability is 1', async () => {
    const { to } = await start({ duplicateProbability: 1 });
    sim.sendText({ ...to, text: 'twice' });
    await sim.idle();

    expect(receiver.posts).toHaveLength(2);
    expect(receiver.posts[0]?.raw.equals(receiver.posts[1]?.raw as Buffer)).toBe(true);
    expect(sim.deliveries().map((record) => record.duplicateOf)).toEqual([null, 1]);
  });

  it('sends no duplicates by default', async () => {
    const { to } = await start();
    for (let i = 0; i < 5; i++) {
      sim.sendText({ ...to, text: `m${i}` });
      await sim.idle();
    }
    expect(receiver.posts).toHaveLength(5);
  });

  it('shuffles messaging items within a batch, reproducibly for a seed', async () => {
    const sent = Array.from({ length: 12 }, (_, i) => `m${i}`);
    const orderFor = async (seed: number) => {
      const { to } = await start({ reorder: true, seed });
      for (const text of sent) sim.sendText({ ...to, text });
      await sim.idle();
      const order = texts(receiver.posts.at(-1) as ReceivedPost);
      await sim.stop();
      return order;
    };

    const first = await orderFor(7);
    const again = await orderFor(7);
    expect(first).not.toEqual(sent);
    expect([...first].sort()).toEqual([...sent].sort());
    expect(again).toEqual(first);
  });

  it('shuffles the order of queued POSTs', async () => {
    const { to } = await start({ reorder: true, maxBatch: 1, seed: 3 });
    const sent = Array.from({ length: 10 }, (_, i) => `m${i}`);
    for (const text of sent) sim.sendText({ ...to, text });
    await sim.idle();

    const arrived = receiver.posts.flatMap(texts);
    expect(arrived).not.toEqual(sent);
    expect([...arrived].sort()).toEqual([...sent].sort());
  });

  it('keeps order when reordering is off', async () => {
    const { to } = await start({ maxBatch: 1 });
    const sent = Array.from({ length: 10 }, (_, i) => `m${i}`);
    for (const text of sent) sim.sendText({ ...to, text });
    await sim.idle();

    expect(receiver.posts.flatMap(texts)).toEqual(sent);
  });
});

describe('subscriptions', () => {
  it('delivers nothing for an unsubscribed account until it subscribes, and nothing after it unsubscribes', async () => {
    await start();
    const quiet = sim.addAccount({ username: 'quiet.shop', subscribed: false });
    const to = { account: quiet.username, customer: 'jane.doe' };
    const graph = (method: string, query = '') =>
      fetch(`${sim.instagramGraphUrl}/v25.0/me/subscribed_apps?access_token=${quiet.accessToken}${query}`, {
        method,
      });

    sim.sendText({ ...to, text: 'lost' });
    await sim.idle();
    expect(receiver.posts).toHaveLength(0);
    expect(sim.deliveries()).toHaveLength(0);

    expect((await graph('POST', '&subscribed_fields=messages')).status).toBe(200);
    sim.sendText({ ...to, text: 'delivered' });
    await sim.idle();
    expect(receiver.posts.map(texts)).toEqual([['delivered']]);

    expect((await graph('DELETE')).status).toBe(200);
    sim.sendText({ ...to, text: 'lost again' });
    await sim.idle();
    expect(receiver.posts).toHaveLength(1);
    // The thread still records what the customer wrote.
    expect(sim.thread(quiet.igId, 'jane.doe').messages.map((m) => m.text)).toEqual([
      'lost',
      'delivered',
      'lost again',
    ]);
  });
});
