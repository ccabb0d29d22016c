// Rich sends over real HTTP: quick replies, generic and button templates, several images, PDF files.
// What Meta accepts and refuses (code 100, with §5.7's subcodes), what the echo carries (read back
// through the app's own webhook parser, so the two stay compatible), what the customer's thread
// shows, and what sent() records: exactly one message per accepted send.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWebhookDelivery } from '#server/meta/parse-webhook-delivery.ts';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import { type MessagingItem, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
import type { Account, Customer } from './world.ts';

let receiver: WebhookReceiver;
let sim: MetaSimulator;
let shop: Account;
let jane: Customer;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  sim = await startMetaSimulator({ app: newMetaAppCredentials(), webhookUrl: receiver.url });
  shop = sim.addAccount({ username: 'acme.store' });
  jane = sim.addCustomer({ username: 'jane.doe' });
  sim.sendText({ account: shop.igId, customer: jane.igsid, text: 'hi!' });
});

afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function send(message: unknown, as: Account = shop): Promise<Answer> {
  const base = as.loginPath === 'facebook' ? sim.facebookGraphUrl : sim.instagramGraphUrl;
  const response = await fetch(`${base}/v25.0/me/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${as.accessToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ recipient: { id: jane.igsid }, message }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Refused with code 100 (and the subcode, when given); nothing reaches the customer. */
async function expectRefused(message: unknown, subcode?: number, text?: RegExp) {
  const before = sim.sentMessages().length;
  const answer = await send(message);
  expect(answer.status).toBe(400);
  expect(answer.body.error).toMatchObject({
    code: 100,
    ...(subcode === undefined ? {} : { error_subcode: subcode }),
    ...(text === undefined ? {} : { message: expect.stringMatching(text) }),
  });
  expect(sim.sentMessages()).toHaveLength(before);
}

const lastShown = () => sim.thread(shop.igId, jane.igsid).messages.at(-1);

/** The echo of the last send, as the receiver got it and as the app's parser reads it. */
async function lastEcho() {
  await sim.idle();
  const post = receiver.posts.at(-1);
  const item = post?.body.entry[0]?.messaging?.at(-1) as MessagingItem;
  const parsed = parseWebhookDelivery(post?.raw ?? '').events.at(-1);
  return { message: item.message as Record<string, unknown>, parsed };
}

describe('quick replies', () => {
  const quickReplies = [
    { content_type: 'text', title: 'Book a visit', payload: 'BOOK_VISIT' },
    { content_type: 'text', title: 'Talk to someone from the team', payload: 'TALK' },
  ];

  it('are accepted with text, shown in the thread, echoed as the text and recorded as sent', async () => {
    const message = { text: 'What do you need?', quick_replies: quickReplies };
    const answer = await send(message);
    expect(answer.status).toBe(200);
    const { message: echo } = await lastEcho();
    expect(echo).toEqual({ mid: answer.body.message_id, text: 'What do you need?', is_echo: true });
    expect(lastShown()).toMatchObject({
      mid: answer.body.message_id,
      text: 'What do you need?',
      quickReplies: [
        { title: 'Book a visit', payload: 'BOOK_VISIT' },
        { title: 'Talk to someone from the team', payload: 'TALK' },
      ],
    });
    expect(sim.sentMessages().at(-1)).toMatchObject({
      mid: answer.body.message_id,
      message,
      attachments: [],
    });
  });

  it('refuses more than 13, phone and email replies (retired Oct 2026), and replies without title or payload', async () => {
    const one = { content_type: 'text', title: 'Yes', payload: 'YES' };
    expect((await send({ text: 'ok?', quick_replies: Array(13).fill(one) })).status).toBe(200);
    await expectRefused({ text: 'ok?', quick_replies: Array(14).fill(one) }, undefined, /at most 13/);
    for (const retired of ['user_phone_number', 'user_email'])
      await expectRefused(
        { text: 'number?', quick_replies: [{ content_type: retired }] },
        undefined,
        /Oct 5 2026/,
      );
    await expectRefused({ text: 'ok?', quick_replies: [{ content_type: 'location' }] });
    await expectRefused(
      { text: 'ok?', quick_replies: [{ content_type: 'text', payload: 'YES' }] },
      undefined,
      /title/,
    );
    await expectRefused(
      { text: 'ok?', quick_replies: [{ content_type: 'text', title: 'Yes' }] },
      undefined,
      /payload/,
    );
    await expectRefused(
      { text: 'ok?', quick_replies: [{ ...one, payload: 'x'.repeat(1001) }] },
      undefined,
      /at most 1000/,
    );
    await expectRefused({ quick_replies: [one] }, undefined, /text/);
  });
});

describe('generic template', () => {
  const element = {
    title: 'Linen shirt',
    subtitle: '€49 · 3 colours',
    image_url: 'https://cdn.example.com/s.jpg',
    default_action: { type: 'web_url', url: 'https://shop.example.com/p/1' },
    buttons: [
      { type: 'web_url', url: 'https://shop.example.com/p/1', title: 'View' },
      { type: 'postback', title: 'Ask about it', payload: 'ASK_P1' },
    ],
  };
  const generic = (elements: unknown[]) => ({
    attachment: { type: 'template', payload: { template_type: 'generic', elements } },
  });

  it('is echoed with its cards under payload.generic, which the app’s parser reads', async () => {
    const answer = await send(generic([element, { title: 'Linen trousers' }]));
    expect(answer.status).toBe(200);
    const { message, parsed } = await lastEcho();
    expect(message).toEqual({
      mid: answer.body.message_id,
      attachments: [
        { type: 'template', payload: { generic: { elements: [element, { title: 'Linen trousers' }] } } },
      ],
      is_echo: true,
    });
    expect(parsed).toMatchObject({
      kind: 'message',
      direction: 'OUTBOUND',
      attachments: [
        {
          kind: 'template',
          elements: [
            expect.objectContaining({
              title: 'Linen shirt',
              buttons: [expect.anything(), expect.anything()],
            }),
            expect.objectContaining({ title: 'Linen trousers' }),
          ],
        },
      ],
    });
    expect(lastShown()?.template).toEqual({
      templateType: 'generic',
      elements: [element, { title: 'Linen trousers' }],
    });
  });

  it('refuses what Meta refuses', async () => {
    const long = 'x'.repeat(81);
    expect((await send(generic(Array(10).fill(element)))).status).toBe(200);
    await expectRefused(generic(Array(11).fill(element)), undefined, /at most 10/);
    await expectRefused(generic([]));
    await expectRefused(generic([{ subtitle: 'no title' }]), undefined, /title/);
    await expectRefused(generic([{ title: long }]), undefined, /80/);
    await expectRefused(generic([{ title: 'ok', subtitle: long }]), undefined, /80/);
    await expectRefused(
      generic([{ title: 'ok', image_url: 'http://cdn.example.com/s.jpg' }]),
      undefined,
      /https/,
    );
    await expectRefused(generic([{ title: 'ok', default_action: { type: 'postback', payload: 'X' } }]));
    await expectRefused(
      generic([{ ...element, buttons: Array(4).fill(element.buttons[0]) }]),
      undefined,
      /3/,
    );
    await expectRefused(
      generic([{ title: 'ok', buttons: [{ type: 'postback', title: 'x'.repeat(21), payload: 'P' }] }]),
    );
    await expectRefused(
      generic([{ title: 'ok', buttons: [{ type: 'web_url', title: 'Go', url: 'http://a.example' }] }]),
    );
    await expectRefused(
      generic([{ title: 'ok', buttons: [{ type: 'postback', title: 'Go' }] }]),
      undefined,
      /payload/,
    );
    await expectRefused(
      generic([{ title: 'ok', buttons: [{ type: 'phone_number', title: 'Call', payload: '+1' }] }]),
    );
    await expectRefused({
      attachment: { type: 'template', payload: { template_type: 'media', elements: [] } },
    });
  });
});

describe('button template', () => {
  const buttonTemplate = (text: string, buttons: unknown[]) => ({
    attachment: { type: 'template', payload: { template_type: 'button', text, buttons } },
  });
  const agent = { type: 'postback', title: 'Agent', payload: 'AGENT' };

  it('is accepted with text and up to 3 buttons, echoed with its payload as sent', async () => {
    const answer = await send(buttonTemplate('How can we help?', [agent]));
    expect(answer.status).toBe(200);
    const { message, parsed } = await lastEcho();
    expect(message.attachments).toEqual([
      { type: 'template', payload: { template_type: 'button', text: 'How can we help?', buttons: [agent] } },
    ]);
    expect(parsed).toMatchObject({ kind: 'message', attachments: [{ kind: 'template' }] });
    expect(lastShown()?.template).toEqual({
      templateType: 'button',
      text: 'How can we help?',
      buttons: [agent],
    });
  });

  it('refuses text over 640 characters and no buttons or more than 3', async () => {
    await expectRefused(buttonTemplate('x'.repeat(641), [agent]), undefined, /640/);
    await expectRefused(buttonTemplate('Help?', []));
    await expectRefused(buttonTemplate('Help?', Array(4).fill(agent)));
    await expectRefused(buttonTemplate('', [agent]), undefined, /text/);
  });
});

describe('several images', () => {
  const image = (payload: Record<string, unknown>) => ({ type: 'image', payload });

  it('up to 10, by URL or attachment_id: one message, an image attachment each in the echo', async () => {
    const answer = await send({
      attachments: [
        image({ url: 'https://cdn.example.com/1.jpg' }),
        image({ attachment_id: '1234567890123456' }),
        image({ url: 'https://cdn.example.com/3.png' }),
      ],
    });
    expect(answer.status).toBe(200);
    const { message, parsed } = await lastEcho();
    const attachments = message.attachments as { type: string; payload: { url: string } }[];
    expect(attachments.map((a) => a.type)).toEqual(['image', 'image', 'image']);
    expect(attachments[0]?.payload.url).toBe('https://cdn.example.com/1.jpg');
    expect(attachments[1]?.payload.url.startsWith(`${sim.url}/lookaside.fbsbx.com/`)).toBe(true);
    expect(parsed).toMatchObject({
      kind: 'message',
      attachments: [{ kind: 'image' }, { kind: 'image' }, { kind: 'image' }],
    });
    const record = sim.sentMessages().at(-1);
    expect(record?.attachments).toEqual(attachments.map((a) => ({ type: 'image', url: a.payload.url })));
    expect(record?.attachment).toEqual(record?.attachments[0]);
    expect(lastShown()?.attachments.map((a) => a.url)).toEqual(attachments.map((a) => a.payload.url));
  });

  it('refuses more than 10, other types in the list, bad URLs and ids, and attachment with attachments', async () => {
    const ok = image({ url: 'https://cdn.example.com/1.jpg' });
    expect((await send({ attachments: Array(10).fill(ok) })).status).toBe(200);
    await expectRefused({ attachments: Array(11).fill(ok) }, undefined, /at most 10/);
    await expectRefused({
      attachments: [ok, { type: 'video', payload: { url: 'https://cdn.example.com/v.mp4' } }],
    });
    await expectRefused({ attachments: [image({ url: 'http://cdn.example.com/1.jpg' })] }, 2018008);
    await expectRefused({ attachments: [image({ attachment_id: 'not-an-id' })] }, 2018074);
    await expectRefused({ attachments: [] });
    await expectRefused({ attachment: ok, attachments: [ok] });
  });
});

describe('files', () => {
  it('sends a PDF by https URL and refuses anything else with 100/2018047', async () => {
    const url = 'https://cdn.example.com/docs/Price-List.PDF';
    const answer = await send({ attachment: { type: 'file', payload: { url } } });
    expect(answer.status).toBe(200);
    const { message } = await lastEcho();
    expect(message.attachments).toEqual([{ type: 'file', payload: { url } }]);
    expect(lastShown()?.attachments).toEqual([{ type: 'file', url, title: null }]);
    await expectRefused(
      { attachment: { type: 'file', payload: { url: 'https://cdn.example.com/a.docx' } } },
      2018047,
    );
    await expectRefused(
      { attachment: { type: 'file', payload: { url: 'http://cdn.example.com/a.pdf' } } },
      2018008,
    );
  });
});

it('records each accepted send once, and the customer sees each once', async () => {
  await send({ text: 'one' });
  await send({ text: 'two', quick_replies: [{ content_type: 'text', title: 'A', payload: 'A' }] });
  await send({ attachments: [{ type: 'image', payload: { url: 'https://cdn.example.com/1.jpg' } }] });
  await expectRefused({ attachments: [] });
  const mids = sim.sentMessages().map((record) => record.mid);
  expect(new Set(mids).size).toBe(3);
  const shown = sim
    .thread(shop.igId, jane.igsid)
    .messages.filter((m) => m.from === 'business')
    .map((m) => m.mid);
  expect(shown).toEqual(mids);
  await sim.idle();
  const echoed = receiver.posts
    .flatMap((p) => p.body.entry.flatMap((e) => e.messaging ?? []))
    .filter((item) => (item.message as { is_echo?: boolean } | undefined)?.is_echo)
    .map((item) => (item.message as { mid: string }).mid);
  expect(echoed).toEqual(mids);
});
