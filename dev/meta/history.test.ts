import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { HISTORY_KINDS, type HistoryConversation, type HistorySide } from './history.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import type { ThreadMessage } from './threads.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

const DAY = 24 * 60 * 60 * 1000;
const SIDES: HistorySide[] = ['customer', 'business'];

let receiver: WebhookReceiver;
let sim: MetaSimulator;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  sim = await startMetaSimulator({ app: newMetaAppCredentials(), webhookUrl: receiver.url });
  sim.addAccount({ username: 'acme.store' });
});

afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

/** `count` conversations of `perConversation` messages, a minute apart, starting `daysAgo` days back. */
function openHistory(count: number, perConversation: number, daysAgo = 30): HistoryConversation[] {
  const start = Date.now() - daysAgo * DAY;
  return Array.from({ length: count }, (_, c) => ({
    messages: Array.from({ length: perConversation }, (_, m) => ({
      timestamp: start + (c * perConversation + m) * 60_000,
    })),
  }));
}

/** What a thread says, without the ids and URLs that differ between runs. */
const content = (message: ThreadMessage) => ({
  from: message.from,
  timestamp: message.timestamp,
  text: message.text,
  attachments: message.attachments.map((attachment) => attachment.type),
  unsupported: message.unsupported,
  replies: message.replyTo !== null,
});

function threadsOf(simulator: MetaSimulator, customers: string[]) {
  return customers.map((customer) => simulator.thread('acme.store', customer).messages.map(content));
}

describe('seeded history', () => {
  it('puts conversations into the world in time order and sends no webhook', async () => {
    const base = Date.now() - 3 * DAY;
    const seeded = sim.seedHistory({
      account: 'acme.store',
      conversations: [
        {
          messages: [
            { timestamp: base + 2000, from: 'business', kind: 'text', text: 'Hi! Yes, in stock.' },
            { timestamp: base, from: 'customer', kind: 'text', text: 'Is this available?' },
            { timestamp: base + 3000, from: 'customer', kind: 'image' },
          ],
        },
        { messages: [{ timestamp: base + 5000, from: 'customer', kind: 'story_mention' }] },
      ],
    });
    await sim.idle();

    expect(receiver.posts).toEqual([]);
    expect(sim.deliveries()).toEqual([]);
    expect(seeded).toHaveLength(2);
    const [first, second] = seeded as [(typeof seeded)[0], (typeof seeded)[0]];
    expect(first.messages.map(({ from, kind }) => [from, kind])).toEqual([
      ['business', 'text'],
      ['customer', 'text'],
      ['customer', 'image'],
    ]);
    const thread = sim.thread('acme.store', first.customer);
    expect(thread.conversationId).toBe(first.conversationId);
    expect(
      thread.messages.map(({ from, text, attachments }) => [from, text, attachments.map((a) => a.type)]),
    ).toEqual([
      ['customer', 'Is this available?', []],
      ['business', 'Hi! Yes, in stock.', []],
      ['customer', null, ['image']],
    ]);
    expect(thread.messages.map((message) => message.timestamp)).toEqual([base, base + 2000, base + 3000]);
    expect(thread.messages.map((message) => message.mid)).toEqual(
      [1, 0, 2].map((index) => first.messages[index]?.mid),
    );
    expect(sim.thread('acme.store', second.customer).messages.map(content)).toEqual([
      expect.objectContaining({ from: 'customer', attachments: ['story_mention'] }),
    ]);
    expect(second.conversationId).not.toBe(first.conversationId);
  });

  it('adds to an existing customer’s thread', () => {
    const jane = sim.addCustomer({ username: 'jane.doe' });
    sim.sendText({ account: 'acme.store', customer: 'jane.doe', text: 'live' });
    const [seeded] = sim.seedHistory({
      account: 'acme.store',
      conversations: [{ customer: 'jane.doe', messages: [{ timestamp: Date.now() - DAY, kind: 'text' }] }],
    });
    expect(seeded?.customer).toBe(jane.igsid);
    expect(sim.thread('acme.store', 'jane.doe').messages).toHaveLength(2);
  });

  it('draws the same history from the same seed, and another from another seed', async () => {
    const other = await startMetaSimulator({ app: newMetaAppCredentials() });
    try {
      other.addAccount({ username: 'acme.store' });
      const history = openHistory(12, 15);
      const customersOf = (conversations: { customer: string }[]) => conversations.map((c) => c.customer);
      const here = customersOf(sim.seedHistory({ account: 'acme.store', seed: 7, conversations: history }));
      const there = customersOf(
        other.seedHistory({ account: 'acme.store', seed: 7, conversations: history }),
      );
      expect(threadsOf(other, there)).toEqual(threadsOf(sim, here));

      other.addAccount({ username: 'acme.other' });
      const reseeded = other.seedHistory({ account: 'acme.other', seed: 8, conversations: history });
      const differently = reseeded.map((c) => other.thread('acme.other', c.customer).messages.map(content));
      expect(differently).not.toEqual(threadsOf(sim, here));

      // Left open, both sides and many kinds turn up.
      const drawn = threadsOf(sim, here).flat();
      expect(new Set(drawn.map((message) => message.from))).toEqual(new Set(SIDES));
      expect(new Set(drawn.flatMap((message) => message.attachments)).size).toBeGreaterThan(5);
    } finally {
      await other.stop();
    }
  });

  it('makes every kind each side can send, and refuses the others', () => {
    const at = Date.now() - DAY;
    for (const from of SIDES) {
      for (const kind of HISTORY_KINDS) {
        // A reply quotes the message before it, so every conversation starts with a text.
        const seed = () =>
          sim.seedHistory({
            account: 'acme.store',
            conversations: [
              {
                messages: [
                  { timestamp: at, from, kind: 'text' },
                  { timestamp: at + 1, from, kind },
                ],
              },
            ],
          });
        const customerKind = kind !== 'template';
        const businessKind = ['text', 'image', 'video', 'audio', 'file', 'like_heart', 'template'].includes(
          kind,
        );
        if (from === 'customer' ? !customerKind : !businessKind) {
          expect(seed, `${from} ${kind}`).toThrow(`the ${from} cannot send a ${kind} message`);
          continue;
        }
        const [conversation] = seed();
        const message = sim.thread('acme.store', conversation?.customer as string)
          .messages[1] as ThreadMessage;
        expect(message.from, `${from} ${kind}`).toBe(from);
        expect(message.mid).toBe(conversation?.messages[1]?.mid);
        const attachment = message.attachments[0]?.type;
        if (kind === 'unsupported') expect(message.unsupported).toBe(true);
        else if (kind === 'story_reply') expect(message.replyTo).toMatchObject({ story: expect.any(Object) });
        else if (kind === 'reply') expect(message.replyTo).toEqual({ mid: conversation?.messages[0]?.mid });
        else if (['text', 'quick_reply', 'postback', 'ad_referral', 'product_referral'].includes(kind))
          expect(message.text).toEqual(expect.any(String));
        else expect(attachment, `${from} ${kind}`).toBe(kind);
      }
    }
  });

  it('refuses a reply with nothing to quote, text on an unsupported message and a bad time', () => {
    const seed = (message: Record<string, unknown>) => () =>
      sim.seedHistory({
        account: 'acme.store',
        conversations: [{ messages: [{ timestamp: Date.now() - DAY, ...message }] }],
      });
    expect(seed({ from: 'customer', kind: 'reply' })).toThrow('a reply needs an earlier message');
    expect(seed({ from: 'customer', kind: 'unsupported', text: 'x' })).toThrow('has no text');
    expect(seed({ timestamp: 1.5 })).toThrow('is not epoch milliseconds');
    expect(() => sim.seedHistory({ account: 'nobody', conversations: [] })).toThrow('no account nobody');
  });
});

describe('history over the control API', () => {
  async function control(method: string, route: string, body?: unknown) {
    const response = await fetch(`${sim.url}/control${route}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  it('seeds history and answers what it made', async () => {
    const answer = await control('POST', '/history', {
      account: 'acme.store',
      seed: 3,
      conversations: [{ messages: [{ timestamp: Date.now() - DAY, from: 'customer', kind: 'video' }] }],
    });
    expect(answer).toEqual({
      status: 200,
      body: [
        {
          conversationId: expect.stringMatching(/^aWdf/),
          customer: expect.stringMatching(/^\d+$/),
          messages: [
            {
              mid: expect.stringMatching(/^aWdf/),
              timestamp: expect.any(Number),
              from: 'customer',
              kind: 'video',
            },
          ],
        },
      ],
    });
    await sim.idle();
    expect(receiver.posts).toEqual([]);
  });

  it('refuses unknown kinds and impossible ones with 400', async () => {
    const seed = (message: Record<string, unknown>) =>
      control('POST', '/history', {
        account: 'acme.store',
        conversations: [{ messages: [{ timestamp: Date.now() - DAY, ...message }] }],
      });
    expect((await seed({ kind: 'hologram' })).status).toBe(400);
    expect(await seed({ from: 'business', kind: 'story_mention' })).toEqual({
      status: 400,
      body: { error: 'the business cannot send a story_mention message' },
    });
  });

  it('puts an event into the thread without a webhook when deliver is false', async () => {
    sim.addCustomer({ username: 'jane.doe' });
    const pair = { account: 'acme.store', customer: 'jane.doe' };
    await control('POST', '/events/text', { ...pair, text: 'missed', deliver: false });
    await control('POST', '/events/echo', { ...pair, text: 'also missed', deliver: false });
    await control('POST', '/events/text', { ...pair, text: 'delivered' });
    await sim.idle();
    const delivered = receiver.posts.flatMap((post) =>
      post.body.entry.flatMap((entry) => entry.messaging ?? []),
    );
    expect(delivered.map((item) => (item.message as { text: string }).text)).toEqual(['delivered']);
    expect(sim.thread('acme.store', 'jane.doe').messages.map((message) => message.text)).toEqual([
      'missed',
      'also missed',
      'delivered',
    ]);
  });
});
