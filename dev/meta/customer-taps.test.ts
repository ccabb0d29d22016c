// Taps by the customer on what the business set up, as the webhooks Meta sends: ice breakers and
// menu items and template buttons as postbacks (which open the 24-hour window), quick replies as
// messages with quick_reply, links opened with no webhook, and what cannot be tapped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import { type MessagingItem, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
import type { Account, Customer } from './world.ts';

let receiver: WebhookReceiver;
let sim: MetaSimulator;
let shop: Account;
let jane: Customer;
let pair: { account: string; customer: string };

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  sim = await startMetaSimulator({ app: newMetaAppCredentials(), webhookUrl: receiver.url });
  shop = sim.addAccount({ username: 'acme.store' });
  jane = sim.addCustomer({ username: 'jane.doe' });
  pair = { account: shop.username, customer: jane.username };
});

afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

async function graph(method: string, path: string, body: Record<string, unknown>) {
  const response = await fetch(`${sim.instagramGraphUrl}/v25.0/${path}`, {
    method,
    headers: { Authorization: `Bearer ${shop.accessToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const sendToJane = (message: Record<string, unknown>) =>
  graph('POST', 'me/messages', { recipient: { id: jane.igsid }, message });

async function setProfile() {
  const answer = await graph('POST', 'me/messenger_profile', {
    platform: 'instagram',
    ice_breakers: [
      {
        locale: 'default',
        call_to_actions: [
          { question: 'Where are you based?', payload: 'WHERE' },
          { question: 'Do you ship abroad?', payload: 'SHIPPING' },
        ],
      },
    ],
    persistent_menu: [
      {
        locale: 'default',
        call_to_actions: [
          { type: 'postback', title: 'Talk to an agent', payload: 'CARE_HELP' },
          { type: 'web_url', title: 'Shop now', url: 'https://shop.example.com/' },
        ],
      },
    ],
  });
  expect(answer.status).toBe(200);
}

/** The messaging items delivered since `before` POSTs. */
async function deliveredSince(before: number): Promise<MessagingItem[]> {
  await sim.idle();
  return receiver.posts.slice(before).flatMap((p) => p.body.entry.flatMap((e) => e.messaging ?? []));
}

describe('ice breakers', () => {
  it('a tap is a postback with the question as title, which opens the window', async () => {
    await setProfile();
    expectError(await sendToJane({ text: 'hello?' }), 10);
    const before = receiver.posts.length;
    const tapped = sim.tapIceBreaker({ ...pair, payload: 'SHIPPING' });
    expect(await deliveredSince(before)).toEqual([
      {
        sender: { id: jane.igsid },
        recipient: { id: shop.igId },
        timestamp: tapped.timestamp,
        postback: { mid: tapped.mid, title: 'Do you ship abroad?', payload: 'SHIPPING' },
      },
    ]);
    expect((await sendToJane({ text: 'Yes, everywhere in Europe.' })).status).toBe(200);
  });

  it('are offered only in a conversation not yet started, and only when set', () => {
    expect(() => sim.tapIceBreaker(pair)).toThrow(/no ice breakers/);
    sim.sendText({ ...pair, text: 'hi' });
    return setProfile().then(() => {
      expect(() => sim.tapIceBreaker(pair)).toThrow(/not started/);
    });
  });
});

describe('persistent menu', () => {
  it('a postback item sends a postback; a web_url item opens the link and sends nothing', async () => {
    await setProfile();
    const before = receiver.posts.length;
    const tapped = sim.tapMenuItem({ ...pair, index: 0 });
    expect(sim.tapMenuItem({ ...pair, index: 1 })).toEqual({ opened: 'https://shop.example.com/' });
    const items = await deliveredSince(before);
    expect(items.map((item) => item.postback)).toEqual([
      { mid: (tapped as { mid: string }).mid, title: 'Talk to an agent', payload: 'CARE_HELP' },
    ]);
    expect(() => sim.tapMenuItem({ ...pair, index: 5 })).toThrow(/no such menu item/);
  });
});

describe('quick replies', () => {
  it('a tap is a message with the title as text and quick_reply.payload; the replies are then gone', async () => {
    sim.sendText({ ...pair, text: 'hi' });
    const sent = await sendToJane({
      text: 'What do you need?',
      quick_replies: [
        { content_type: 'text', title: 'Book a visit', payload: 'BOOK_VISIT' },
        { content_type: 'text', title: 'Talk to someone from the team', payload: 'TALK' },
      ],
    });
    await sim.idle();
    const before = receiver.posts.length;
    const tapped = sim.tapQuickReply({ ...pair, mid: sent.body.message_id as string, index: 1 });
    expect(await deliveredSince(before)).toEqual([
      {
        sender: { id: jane.igsid },
        recipient: { id: shop.igId },
        timestamp: tapped.timestamp,
        message: { mid: tapped.mid, text: 'Talk to someone from the team', quick_reply: { payload: 'TALK' } },
      },
    ]);
    expect(() => sim.tapQuickReply({ ...pair, index: 0 })).toThrow(/no quick replies/);
  });
});

describe('template buttons', () => {
  it('a postback button of a generic card sends a postback titled as the button; a web_url button opens', async () => {
    sim.sendText({ ...pair, text: 'hi' });
    const sent = await sendToJane({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'generic',
          elements: [
            { title: 'Linen shirt' },
            {
              title: 'Linen trousers',
              buttons: [
                { type: 'web_url', title: 'View', url: 'https://shop.example.com/p/2' },
                { type: 'postback', title: 'Ask about it', payload: 'ASK_P2' },
              ],
            },
          ],
        },
      },
    });
    const mid = sent.body.message_id as string;
    await sim.idle();
    const before = receiver.posts.length;
    expect(sim.tapTemplateButton({ ...pair, mid, element: 1, button: 0 })).toEqual({
      opened: 'https://shop.example.com/p/2',
    });
    const tap = sim.tapTemplateButton({ ...pair, mid, element: 1, button: 1 }) as { mid: string };
    // The tap is a message of its own: a new mid, not the card's.
    expect(tap.mid).not.toBe(mid);
    expect((await deliveredSince(before)).map((item) => item.postback)).toEqual([
      { mid: tap.mid, title: 'Ask about it', payload: 'ASK_P2' },
    ]);
    expect(() => sim.tapTemplateButton({ ...pair, mid, element: 0, button: 0 })).toThrow(/no such button/);
  });

  it('a button template’s buttons too', async () => {
    sim.sendText({ ...pair, text: 'hi' });
    const sent = await sendToJane({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: 'How can we help?',
          buttons: [{ type: 'postback', title: 'Agent', payload: 'AGENT' }],
        },
      },
    });
    const tapped = sim.tapTemplateButton({ ...pair, mid: sent.body.message_id as string });
    expect(sim.thread(shop.igId, jane.igsid).messages.at(-1)).toMatchObject({
      mid: (tapped as { mid: string }).mid,
      from: 'customer',
      text: 'Agent',
      postbackPayload: 'AGENT',
    });
  });
});

function expectError(answer: { status: number; body: Record<string, unknown> }, code: number) {
  expect(answer.status).toBe(400);
  expect(answer.body.error).toMatchObject({ code });
}
