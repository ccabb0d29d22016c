// The simulator's Send API over real HTTP (reference §5, simulator contract §10.4): what it accepts,
// what it refuses with Meta's code/subcode, what it records, the echo it sends, and the fault
// options (after, webhooksFirst, retryAfterSeconds) that recreate the ambiguous outcomes of §5.7.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWebhookSignature } from '#server/meta/webhook-signature.ts';
import { type MetaAppCredentials, newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import { type MessagingItem, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
import type { Account, Customer } from './world.ts';

const HOUR_MS = 60 * 60 * 1000;

let app: MetaAppCredentials;
let receiver: WebhookReceiver;
let sim: MetaSimulator;
let shop: Account;
let jane: Customer;

beforeEach(async () => {
  app = newMetaAppCredentials();
  receiver = await startWebhookReceiver();
  sim = await startMetaSimulator({ app, webhookUrl: receiver.url });
  shop = sim.addAccount({ username: 'acme.store', name: 'Acme Store' });
  jane = sim.addCustomer({ username: 'jane.doe', name: 'Jane Doe' });
});

afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

interface SendOptions {
  /** The account whose token is used; its login path picks the Graph host. */
  as?: Account;
  /** The node before /messages: me, the IG_ID or the Page id. */
  node?: string;
  /** Form-encode the body, nested objects as JSON strings (Meta's curl samples). */
  form?: boolean;
}

const formEncoded = (body: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(body).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );

/** POST /v25.0/{node}/messages with a Bearer token, as the app's Send API client does. */
async function send(body: Record<string, unknown>, options: SendOptions = {}): Promise<Answer> {
  const { as = shop, node = 'me', form = false } = options;
  const base = as.loginPath === 'facebook' ? sim.facebookGraphUrl : sim.instagramGraphUrl;
  const response = await fetch(`${base}/v25.0/${node}/messages`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${as.accessToken}`,
      'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json',
    },
    body: form ? formEncoded(body) : JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const textTo = (text: string, to: Customer = jane) => ({ recipient: { id: to.igsid }, message: { text } });
const attachmentTo = (type: string, url: string) => ({
  recipient: { id: jane.igsid },
  message: { attachment: { type, payload: { url } } },
});

/** The customer writes to the account `hoursAgo` hours ago, which is what opens the window. */
function customerWrote(hoursAgo = 0, account: Account = shop) {
  return sim.sendText({
    account: account.igId,
    customer: jane.igsid,
    text: 'hi, is this still available?',
    timestamp: Date.now() - hoursAgo * HOUR_MS,
  });
}

function expectError(answer: Answer, expected: { code: number; subcode?: number; status?: number }) {
  expect(answer.status).toBe(expected.status ?? 400);
  expect(answer.body.error).toMatchObject({
    code: expected.code,
    ...(expected.subcode === undefined ? {} : { error_subcode: expected.subcode }),
    fbtrace_id: expect.any(String),
  });
}

/** A refused send must leave no trace: nothing recorded, nothing in the thread. */
function expectNothingSent() {
  expect(sim.sentMessages()).toEqual([]);
  expect(businessMessages()).toEqual([]);
}

const businessMessages = (account: Account = shop) =>
  sim.thread(account.igId, jane.igsid).messages.filter((message) => message.from === 'business');

/** Every echo item the receiver got so far. */
const echoes = (): MessagingItem[] =>
  receiver.posts
    .flatMap((post) => post.body.entry.flatMap((entry) => entry.messaging ?? []))
    .filter((item) => (item.message as { is_echo?: boolean } | undefined)?.is_echo === true);

const echoMids = () => echoes().map((item) => (item.message as { mid: string }).mid);

/** The echo is signed with the secret of the account's login path (§4.2). */
function expectLastPostSignedWith(secret: string) {
  const post = receiver.posts.at(-1);
  expect(post).toBeDefined();
  const header = post?.headers['x-hub-signature-256'] as string;
  expect(checkWebhookSignature(post?.raw ?? Buffer.alloc(0), header, [secret]).valid).toBe(true);
}

describe('sending text', () => {
  it('answers {recipient_id, message_id} on /{IG_ID}/messages and /me/messages, threads, records and echoes it', async () => {
    customerWrote();
    const byId = await send(textTo('Yes, it is!'), { node: shop.igId });
    const byMe = await send(textTo('Want me to hold one?'));
    for (const answer of [byId, byMe]) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ recipient_id: jane.igsid, message_id: expect.stringMatching(/^aWdf/) });
    }
    const mids = [byId.body.message_id, byMe.body.message_id] as string[];
    expect(new Set(mids).size).toBe(2);

    expect(businessMessages().map(({ mid, text }) => ({ mid, text }))).toEqual([
      { mid: mids[0], text: 'Yes, it is!' },
      { mid: mids[1], text: 'Want me to hold one?' },
    ]);
    expect(sim.sentMessages()).toEqual([
      {
        mid: mids[0],
        accountIgId: shop.igId,
        recipientId: jane.igsid,
        text: 'Yes, it is!',
        attachment: null,
        attachments: [],
        message: { text: 'Yes, it is!' },
        commentId: null,
        tag: null,
        at: expect.any(Number),
      },
      expect.objectContaining({ mid: mids[1], text: 'Want me to hold one?' }),
    ]);

    await sim.idle();
    expect(echoes()).toEqual([
      {
        sender: { id: shop.igId },
        recipient: { id: jane.igsid },
        timestamp: expect.any(Number),
        message: { mid: mids[0], text: 'Yes, it is!', is_echo: true },
      },
      expect.objectContaining({ message: { mid: mids[1], text: 'Want me to hold one?', is_echo: true } }),
    ]);
    expectLastPostSignedWith(app.instagramAppSecret);
  });

  it('refuses another account’s IG_ID as the node with code 100', async () => {
    const other = sim.addAccount({ username: 'other.shop' });
    customerWrote();
    expectError(await send(textTo('hello'), { node: other.igId }), { code: 100, subcode: 33 });
    expectNothingSent();
  });

  it('works for a Facebook-login account on graph.facebook.com via /me and /{PAGE_ID}, echo signed with the Meta app secret', async () => {
    const page = sim.addAccount({ username: 'acme.page', loginPath: 'facebook' });
    customerWrote(0, page);
    const byMe = await send(textTo('from the page'), { as: page });
    const byPage = await send(textTo('again'), { as: page, node: page.pageId as string });
    expect([byMe.status, byPage.status]).toEqual([200, 200]);
    expect(businessMessages(page).map((message) => message.mid)).toEqual([
      byMe.body.message_id,
      byPage.body.message_id,
    ]);
    expect(sim.sentMessages().map((record) => record.accountIgId)).toEqual([page.igId, page.igId]);

    expectError(await send(textTo('wrong node'), { as: page, node: shop.igId }), { code: 100 });

    await sim.idle();
    expect(echoMids()).toEqual([byMe.body.message_id, byPage.body.message_id]);
    expectLastPostSignedWith(app.metaAppSecret);
  });

  it('accepts a form-encoded body with JSON-string parameters', async () => {
    customerWrote(25);
    const answer = await send({ ...textTo('form body'), tag: 'HUMAN_AGENT' }, { form: true });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ recipient_id: jane.igsid, message_id: expect.any(String) });
    expect(sim.sentMessages()).toMatchObject([{ text: 'form body', tag: 'HUMAN_AGENT' }]);

    // A form value that is not JSON is a bad parameter, not a crash.
    expectError(await send({ recipient: 'not json', message: '{"text":"x"}' }, { form: true }), {
      code: 100,
    });
  });

  it('counts the 1000-character limit in UTF-8 bytes', async () => {
    customerWrote();
    // 'é' is two bytes: 500 of them are exactly 1000 bytes, 501 are 1002 bytes in 501 characters.
    const longest = 'é'.repeat(500);
    const accepted = await send(textTo(longest));
    expect(accepted.status).toBe(200);
    expect(businessMessages()[0]?.text).toBe(longest);

    expectError(await send(textTo('é'.repeat(501))), { code: 100 });
    expectError(await send(textTo('a'.repeat(1001))), { code: 100 });
    expect(sim.sentMessages()).toHaveLength(1);
  });

  it('refuses empty text', async () => {
    customerWrote();
    expectError(await send(textTo('')), { code: 100 });
    expectNothingSent();
  });

  it('refuses unknown or missing recipients and a missing message', async () => {
    customerWrote();
    const stranger = { recipient: { id: '1234567890123456' }, message: { text: 'hello' } };
    expectError(await send(stranger), { code: 100, subcode: 2534014 });
    expectError(await send({ message: { text: 'to nobody' } }), { code: 100 });
    expectError(await send({ recipient: { id: jane.igsid } }), { code: 100 });
    expectError(await send({ recipient: { id: jane.igsid }, message: {} }), { code: 100 });
    expectNothingSent();
  });
});

describe('messaging window', () => {
  it('refuses a customer who never wrote with 10/2534022', async () => {
    const answer = await send(textTo('cold outreach'));
    expectError(answer, { code: 10, subcode: 2534022 });
    expect(answer.body.error).toMatchObject({
      type: 'OAuthException',
      message: '(#10) This message is sent outside of allowed window.',
    });
    expectNothingSent();
  });

  it('is measured from the customer’s last message, not the business’s', async () => {
    customerWrote(23);
    expect((await send(textTo('within 24 h'))).status).toBe(200);

    // A business message an hour ago does not reopen a window the customer let close.
    const closed = sim.addCustomer({ username: 'old.lead' });
    sim.sendText({
      account: shop.igId,
      customer: closed.igsid,
      text: 'hi',
      timestamp: Date.now() - 25 * HOUR_MS,
    });
    sim.businessEcho({
      account: shop.igId,
      customer: closed.igsid,
      text: 'sure',
      timestamp: Date.now() - HOUR_MS,
    });
    expectError(await send(textTo('late', closed)), { code: 10, subcode: 2534022 });

    // A newer customer message does reopen it.
    sim.sendText({ account: shop.igId, customer: closed.igsid, text: 'still there?' });
    expect((await send(textTo('yes!', closed))).status).toBe(200);
  });

  it('allows HUMAN_AGENT up to 7 days, with or without messaging_type MESSAGE_TAG', async () => {
    customerWrote(25);
    expectError(await send(textTo('untagged')), { code: 10, subcode: 2534022 });

    const tagged = await send({ ...textTo('tagged'), tag: 'HUMAN_AGENT' });
    const withType = await send({ ...textTo('typed'), messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect([tagged.status, withType.status]).toEqual([200, 200]);
    expect(sim.sentMessages().map(({ text, tag }) => ({ text, tag }))).toEqual([
      { text: 'tagged', tag: 'HUMAN_AGENT' },
      { text: 'typed', tag: 'HUMAN_AGENT' },
    ]);
  });

  it('refuses HUMAN_AGENT after 7 days', async () => {
    customerWrote(8 * 24);
    expectError(await send({ ...textTo('too late'), tag: 'HUMAN_AGENT' }), { code: 10, subcode: 2534022 });
    expectNothingSent();
  });

  it('refuses tags Instagram does not support with code 100, even inside the window', async () => {
    customerWrote();
    const answer = await send({ ...textTo('update'), messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' });
    expectError(answer, { code: 100 });
    expect(answer.body.error).toMatchObject({ message: expect.stringContaining('ACCOUNT_UPDATE') });
    expectNothingSent();
  });
});

describe('attachments', () => {
  it('accepts an https image, records it and echoes it', async () => {
    customerWrote();
    const url = 'https://cdn.example.com/photo.jpg';
    const answer = await send(attachmentTo('image', url));
    expect(answer.status).toBe(200);
    expect(sim.sentMessages()).toMatchObject([{ text: null, attachment: { type: 'image', url } }]);
    expect(businessMessages()).toMatchObject([{ text: null, attachments: [{ type: 'image', url }] }]);
    await sim.idle();
    expect(echoes().map((item) => item.message)).toEqual([
      { mid: answer.body.message_id, attachments: [{ type: 'image', payload: { url } }], is_echo: true },
    ]);
  });

  it('refuses plain-http URLs with 100/2018008 and unknown types with 100', async () => {
    customerWrote();
    expectError(await send(attachmentTo('image', 'http://cdn.example.com/photo.jpg')), {
      code: 100,
      subcode: 2018008,
    });
    expectError(await send(attachmentTo('location', 'https://cdn.example.com/map.png')), { code: 100 });
    expectNothingSent();
  });
});

describe('account and customer state', () => {
  beforeEach(() => {
    customerWrote();
  });

  it('answers 200/2534041 while the owner has turned off access to messages', async () => {
    sim.setMessagingAccess(shop.username, false);
    expectError(await send(textTo('hello')), { code: 200, subcode: 2534041 });
    expectNothingSent();
    sim.setMessagingAccess(shop.username, true);
    expect((await send(textTo('hello'))).status).toBe(200);
  });

  it('answers 551/1545041 to a customer who blocked the account, and only to them', async () => {
    const other = sim.addCustomer({ username: 'other.customer' });
    sim.sendText({ account: shop.igId, customer: other.igsid, text: 'hey' });
    sim.setBlocked(shop.igId, jane.igsid, true);
    expectError(await send(textTo('hello')), { code: 551, subcode: 1545041 });
    expect((await send(textTo('hello', other))).status).toBe(200);
    sim.setBlocked(shop.igId, jane.igsid, false);
    expect((await send(textTo('hello again'))).status).toBe(200);
  });

  it('answers 190 once the token is revoked', async () => {
    sim.revokeToken(shop.igId);
    expectError(await send(textTo('hello')), { code: 190 });
    expectNothingSent();
  });
});

describe('rate limits', () => {
  const burst = (count: number, body: () => Record<string, unknown>) =>
    Promise.all(Array.from({ length: count }, () => send(body())));
  const accepted = (answers: Answer[]) => answers.filter((answer) => answer.status === 200).length;

  /**
   * Fires `count` sends at once into a lane allowing `perSecond`. A full bucket lets one second's
   * worth through, plus whatever refilled while the burst was in flight (usually one at most; the
   * bound grows on a slow machine rather than flaking). Every refusal is 613/2534040.
   */
  async function expectThrottledBurst(count: number, perSecond: number, body: () => Record<string, unknown>) {
    const started = performance.now();
    const answers = await burst(count, body);
    const refilled = Math.ceil(((performance.now() - started) / 1000) * perSecond);
    expect(accepted(answers)).toBeGreaterThanOrEqual(perSecond);
    expect(accepted(answers)).toBeLessThanOrEqual(perSecond + refilled);
    for (const answer of answers.filter((a) => a.status !== 200))
      expectError(answer, { code: 613, subcode: 2534040 });
    return accepted(answers);
  }

  it('defaults to Meta’s 100/s for text and 10/s for media', () => {
    expect(sim.sendRateLimits()).toEqual({ textPerSecond: 100, mediaPerSecond: 10 });
  });

  it('throttles text per account with 613/2534040, then refills', async () => {
    const other = sim.addAccount({ username: 'other.shop' });
    customerWrote();
    customerWrote(0, other);
    sim.setSendRateLimits({ textPerSecond: 5 });
    expect(sim.sendRateLimits()).toEqual({ textPerSecond: 5, mediaPerSecond: 10 });

    const sent = await expectThrottledBurst(20, 5, () => textTo('burst'));
    expect(sim.sentMessages()).toHaveLength(sent);

    // Buckets are per account.
    expect((await send(textTo('other account'), { as: other })).status).toBe(200);
    // At 5/s, 400 ms refills two tokens.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await send(textTo('after a pause'))).status).toBe(200);
  });

  it('throttles audio and video in their own lane', async () => {
    customerWrote();
    sim.setSendRateLimits({ textPerSecond: 100, mediaPerSecond: 2 });
    await expectThrottledBurst(8, 2, () => attachmentTo('video', 'https://cdn.example.com/clip.mp4'));

    // Images share the text lane, so they still go through while video is throttled.
    const images = await burst(5, () => attachmentTo('image', 'https://cdn.example.com/photo.jpg'));
    expect(accepted(images)).toBe(5);
  });
});

describe('sender actions', () => {
  beforeEach(() => {
    customerWrote();
  });

  it('answers {recipient_id} only to typing_on and mark_seen, records them and sends no echo', async () => {
    for (const action of ['typing_on', 'mark_seen']) {
      const answer = await send({ recipient: { id: jane.igsid }, sender_action: action });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ recipient_id: jane.igsid });
    }
    expect(sim.senderActions()).toEqual([
      {
        accountIgId: shop.igId,
        recipientId: jane.igsid,
        action: 'typing_on',
        payload: null,
        at: expect.any(Number),
      },
      expect.objectContaining({ action: 'mark_seen' }),
    ]);
    expectNothingSent();
    await sim.idle();
    expect(echoes()).toEqual([]);
  });

  it('reacts to a message of the thread and refuses an unknown mid or action with code 100', async () => {
    const { mid } = customerWrote();
    const react = (messageId: string) =>
      send({
        recipient: { id: jane.igsid },
        sender_action: 'react',
        payload: { message_id: messageId, reaction: 'love' },
      });

    expect((await react(mid)).body).toEqual({ recipient_id: jane.igsid });
    expect(sim.senderActions()).toMatchObject([
      { action: 'react', payload: { message_id: mid, reaction: 'love' } },
    ]);
    expectError(await react('aWdfbm90LWEtbWlk'), { code: 100 });
    expectError(await send({ recipient: { id: jane.igsid }, sender_action: 'wave' }), { code: 100 });
    expect(sim.senderActions()).toHaveLength(1);
  });

  it('are refused like messages to a customer who blocked the account or outside the window', async () => {
    sim.setBlocked(shop.username, jane.username, true);
    expectError(await send({ recipient: { id: jane.igsid }, sender_action: 'typing_on' }), { code: 551 });
    sim.setBlocked(shop.username, jane.username, false);
    const stranger = sim.addCustomer({ username: 'never.wrote' });
    expectError(await send({ recipient: { id: stranger.igsid }, sender_action: 'mark_seen' }), {
      code: 10,
      subcode: 2534022,
    });
    expect(sim.senderActions()).toEqual([]);
  });
});

describe('fault injection on the Send API', () => {
  beforeEach(() => {
    customerWrote();
  });

  it('after: answers the error although the message was sent and echoed (1/1357046)', async () => {
    sim.setFault({ path: 'messages$', after: true, error: { code: 1, subcode: 1357046, status: 500 } });
    expectError(await send(textTo('did this go out?')), { code: 1, subcode: 1357046, status: 500 });

    const [record] = sim.sentMessages();
    expect(record).toMatchObject({ text: 'did this go out?' });
    expect(businessMessages().map((message) => message.mid)).toEqual([record?.mid]);
    await sim.idle();
    expect(echoMids()).toEqual([record?.mid]);
  });

  it('delayMs holds the answer after the message took effect with after, before it without', async () => {
    // Compared by when things happened, not by polling at a chosen moment: a busy machine runs
    // a timer late, never early (but for the millisecond clocks' rounding).
    // With `after` the message is recorded at once and only the answer waits.
    sim.setFault({ path: 'messages$', after: true, delayMs: 300, times: 1 });
    expect((await send(textTo('late answer'))).status).toBe(200);
    const answeredAt = Date.now();
    expect(answeredAt - (sim.sentMessages()[0]?.at ?? answeredAt)).toBeGreaterThanOrEqual(290);

    // Without `after` the delay comes first: the message is recorded only once it has passed.
    sim.setFault({ path: 'messages$', delayMs: 300, times: 1 });
    const asked = Date.now();
    expect((await send(textTo('held request'))).status).toBe(200);
    expect(sim.sentMessages()).toHaveLength(2);
    expect((sim.sentMessages()[1]?.at ?? asked) - asked).toBeGreaterThanOrEqual(290);
  });

  it('webhooksFirst: the echo has arrived by the time the answer does', async () => {
    // A long batch window makes the usual order (answer first, echo later) certain without the fault.
    sim.setDelivery({ batchWindowMs: 200 });
    const usual = await send(textTo('answer first'));
    expect(echoMids()).not.toContain(usual.body.message_id);
    await sim.idle();

    sim.setFault({ path: 'messages$', after: true, webhooksFirst: true });
    const raced = await send(textTo('echo first'));
    expect(raced.status).toBe(200);
    expect(echoMids()).toContain(raced.body.message_id);
  });

  it('webhooksFirst waits for the first POST of the call’s own echo only, not for retries', async () => {
    // The customer's message goes out first, on its own: whether it would share a POST with the
    // echo depends on how fast the machine reaches the send (the batch window).
    await sim.idle();
    sim.setWebhookUrl(undefined); // every POST fails and is retried for seconds
    sim.setDelivery({ retryDelaysMs: [5000, 5000] });
    sim.setFault({ path: 'messages$', after: true, webhooksFirst: true });
    expect((await send(textTo('nobody listens'))).status).toBe(200);
    // Answered after the echo's first POST failed, while its retry is still to come.
    expect(sim.deliveries()).toMatchObject([
      { state: 'delivered' },
      { attempts: 1, state: 'retrying', body: expect.stringContaining('"is_echo":true') },
    ]);
  });

  it('answers 429 with Retry-After and sends nothing', async () => {
    sim.setFault({ path: 'messages$', error: { status: 429, code: 4 }, retryAfterSeconds: 2 });
    const answer = await send(textTo('throttled'));
    expectError(answer, { code: 4, status: 429 });
    expect(answer.headers.get('retry-after')).toBe('2');
    expectNothingSent();
    await sim.idle();
    expect(echoes()).toEqual([]);
  });
});

describe('control API', () => {
  async function control(method: 'GET' | 'POST', route: string, body?: unknown) {
    const response = await fetch(`${sim.url}/control${route}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  it('lists sent messages and sender actions', async () => {
    customerWrote();
    await send(textTo('listed'));
    await send({ recipient: { id: jane.igsid }, sender_action: 'typing_off' });
    expect(await control('GET', '/sent')).toEqual({ status: 200, body: sim.sentMessages() });
    expect((await control('GET', '/sent')).body).toMatchObject([{ text: 'listed' }]);
    expect(await control('GET', '/sender-actions')).toEqual({
      status: 200,
      body: [expect.objectContaining({ action: 'typing_off', recipientId: jane.igsid })],
    });
  });

  it('toggles messaging access and blocks, refusing bad bodies with 400', async () => {
    customerWrote();
    const access = { account: 'acme.store', enabled: false };
    expect(await control('POST', '/messaging-access', access)).toEqual({ status: 200, body: access });
    expectError(await send(textTo('hello')), { code: 200, subcode: 2534041 });
    await control('POST', '/messaging-access', { ...access, enabled: true });

    const block = { account: 'acme.store', customer: 'jane.doe', blocked: true };
    expect(await control('POST', '/block', block)).toEqual({ status: 200, body: block });
    expectError(await send(textTo('hello')), { code: 551 });
    await control('POST', '/block', { ...block, blocked: false });
    expect((await send(textTo('hello'))).status).toBe(200);

    for (const [route, body] of [
      ['/messaging-access', { account: 'acme.store', enabled: 'no' }],
      ['/messaging-access', { account: 'nobody.here', enabled: false }],
      ['/block', { account: 'acme.store', blocked: true }],
      ['/block', { account: 'acme.store', customer: 'nobody.here', blocked: true }],
    ] as const) {
      expect((await control('POST', route, body)).status).toBe(400);
    }
  });

  it('reads and sets send rate limits, refusing bad bodies with 400', async () => {
    expect(await control('GET', '/send-rate-limits')).toEqual({
      status: 200,
      body: { textPerSecond: 100, mediaPerSecond: 10 },
    });
    expect(await control('POST', '/send-rate-limits', { mediaPerSecond: 1 })).toEqual({
      status: 200,
      body: { textPerSecond: 100, mediaPerSecond: 1 },
    });
    expect(sim.sendRateLimits()).toEqual({ textPerSecond: 100, mediaPerSecond: 1 });
    for (const bad of [{ textPerSecond: 0 }, { mediaPerSecond: 'ten' }]) {
      expect((await control('POST', '/send-rate-limits', bad)).status).toBe(400);
    }
    expect(sim.sendRateLimits()).toEqual({ textPerSecond: 100, mediaPerSecond: 1 });
  });
});
