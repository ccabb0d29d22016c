import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import type { WebhookDropSpec } from './webhook-drops.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

let receiver: WebhookReceiver;
let sim: MetaSimulator;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  sim = await startMetaSimulator({ app: newMetaAppCredentials(), webhookUrl: receiver.url });
  sim.addAccount({ username: 'acme.store' });
  sim.addAccount({ username: 'other.shop' });
  sim.addCustomer({ username: 'jane.doe' });
  sim.setConversationsRateLimit(1_000_000);
});

afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

/** The texts of every message webhook the app received, for one account. */
function deliveredTexts(account: string, on: WebhookReceiver = receiver) {
  const igId = sim.accounts().find((a) => a.username === account)?.igId;
  return on.posts
    .flatMap((post) => post.body.entry.filter((entry) => entry.id === igId))
    .flatMap((entry) => entry.messaging ?? [])
    .map((item) => (item.message as { text: string }).text);
}

/** `count` numbered messages from jane.doe to the account. */
function write(simulator: MetaSimulator, account: string, count: number) {
  const texts = Array.from({ length: count }, (_, index) => `${account} ${index}`);
  for (const text of texts) simulator.sendText({ account, customer: 'jane.doe', text });
  return texts;
}

describe('dropped webhooks', () => {
  it('never sends a seeded share of the events, which the Conversations API still lists', async () => {
    const rule = sim.dropWebhooks({ account: 'acme.store', probability: 0.3, seed: 11 });
    expect(rule).toEqual({
      account: 'acme.store',
      probability: 0.3,
      seed: 11,
      id: expect.any(String),
      hits: 0,
    });
    const sent = write(sim, 'acme.store', 200);
    const elsewhere = write(sim, 'other.shop', 20);
    await sim.idle();

    const delivered = deliveredTexts('acme.store');
    const dropped = sim
      .droppedWebhooks()
      .map((d) => (d.event.item as { message: { text: string } }).message.text);
    // Each event either arrived or was dropped, never both, and nothing else happened to any.
    expect([...delivered, ...dropped].sort()).toEqual([...sent].sort());
    expect(dropped.length).toBeGreaterThan(40);
    expect(dropped.length).toBeLessThan(80);
    expect(sim.webhookDrops()).toEqual([{ ...rule, hits: dropped.length }]);
    expect(sim.droppedWebhooks().every((d) => d.dropId === rule.id && d.event.kind === 'messaging')).toBe(
      true,
    );
    // Other accounts are untouched; no dropped event is ever retried.
    expect(deliveredTexts('other.shop')).toEqual(elsewhere);
    expect(sim.deliveries().every((delivery) => delivery.state === 'delivered')).toBe(true);

    // The messages themselves are there for a backfill to find.
    const conversation = sim.thread('acme.store', 'jane.doe').conversationId;
    const response = await fetch(
      `${sim.instagramGraphUrl}/v25.0/${conversation}/messages?fields=message&limit=20&access_token=${sim.accounts()[0]?.accessToken}`,
    );
    const first = (await response.json()) as { data: { message: string }[] };
    expect(first.data.map((m) => m.message)).toEqual([...sent].reverse().slice(0, 20));
    expect(sim.thread('acme.store', 'jane.doe').messages.map((m) => m.text)).toEqual(sent);
  });

  it('drops the same events on every run with the same seed, and others with another', async () => {
    const droppedWith = async (spec: WebhookDropSpec) => {
      const other = await startMetaSimulator({ app: newMetaAppCredentials() });
      try {
        other.addAccount({ username: 'acme.store' });
        other.addCustomer({ username: 'jane.doe' });
        other.dropWebhooks(spec);
        write(other, 'acme.store', 100);
        return other
          .droppedWebhooks()
          .map((d) => (d.event.item as { message: { text: string } }).message.text);
      } finally {
        await other.stop();
      }
    };
    const first = await droppedWith({ probability: 0.5, seed: 3 });
    expect(await droppedWith({ probability: 0.5, seed: 3 })).toEqual(first);
    expect(await droppedWith({ probability: 0.5, seed: 4 })).not.toEqual(first);
  });

  it('drops every matching event without a probability, only `times` of them with one, and stops when cleared', async () => {
    const limited = sim.dropWebhooks({ account: 'other.shop', times: 2 });
    const sentElsewhere = write(sim, 'other.shop', 5);
    expect(sim.webhookDrops()).toEqual([]);
    const all = sim.dropWebhooks({ account: 'acme.store' });
    write(sim, 'acme.store', 3);
    sim.clearWebhookDrops(all.id);
    const after = write(sim, 'acme.store', 2);
    await sim.idle();
    expect(deliveredTexts('other.shop')).toEqual(sentElsewhere.slice(2));
    expect(deliveredTexts('acme.store')).toEqual(after);
    expect(sim.droppedWebhooks().map((d) => d.dropId)).toEqual([
      limited.id,
      limited.id,
      all.id,
      all.id,
      all.id,
    ]);
  });

  it('is driven through the control API like the other faults', async () => {
    const control = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${sim.url}/control${route}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const added = await control('POST', '/webhook-drops', { account: 'acme.store', probability: 1, seed: 2 });
    expect(added).toEqual({
      status: 201,
      body: { account: 'acme.store', probability: 1, seed: 2, id: expect.any(String), hits: 0 },
    });
    expect((await control('POST', '/webhook-drops', { probability: 2 })).status).toBe(400);
    await control('POST', '/events/text', { account: 'acme.store', customer: 'jane.doe', text: 'lost' });
    expect((await control('GET', '/webhook-drops')).body).toEqual([{ ...(added.body as object), hits: 1 }]);
    expect((await control('GET', '/webhook-drops/dropped')).body).toEqual([
      {
        dropId: (added.body as { id: string }).id,
        event: expect.objectContaining({ entryId: sim.accounts()[0]?.igId, kind: 'messaging' }),
      },
    ]);
    expect((await control('DELETE', '/webhook-drops')).body).toEqual([]);
    await control('POST', '/events/text', { account: 'acme.store', customer: 'jane.doe', text: 'found' });
    await sim.idle();
    expect(deliveredTexts('acme.store')).toEqual(['found']);
  });
});
