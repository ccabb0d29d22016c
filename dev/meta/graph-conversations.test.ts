import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import type { HistoryConversation } from './history.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
import type { Account } from './world.ts';

const DAY = 24 * 60 * 60 * 1000;
type Json = Record<string, unknown>;
interface Page {
  data: Json[];
  paging?: { cursors: { after: string }; next?: string };
}

let sim: MetaSimulator;
let shop: Account;
let page: Account;

beforeEach(async () => {
  sim = await startMetaSimulator({ app: newMetaAppCredentials() });
  shop = sim.addAccount({ username: 'acme.store' });
  page = sim.addAccount({ username: 'acme.page', loginPath: 'facebook' });
  // Most tests read freely; the limit has tests of its own.
  sim.setConversationsRateLimit(1_000_000);
});

afterEach(async () => {
  await sim.stop();
});

async function get(url: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Json };
}

/** A Graph GET as `as` (the Instagram account by default), token in the query as Meta's samples pass it. */
function graph(path: string, as: Account = shop) {
  const base = as.loginPath === 'instagram' ? sim.instagramGraphUrl : sim.facebookGraphUrl;
  const url = new URL(`${base}/v25.0/${path}`);
  url.searchParams.set('access_token', as.accessToken);
  return get(url.toString());
}

/** Every page from `first` on, following `next` links as a client would. */
async function allPages(first: { status: number; body: Json }): Promise<Page[]> {
  const pages: Page[] = [];
  let answer = first;
  for (;;) {
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const current = answer.body as unknown as Page;
    pages.push(current);
    if (!current.paging?.next) return pages;
    answer = await get(current.paging.next);
  }
}

const errorOf = (answer: { body: Json }) => answer.body.error as Json;

/** `count` conversations of one message each; every third shares its time with the one before. */
function history(count: number, base = Date.now() - 10 * DAY): HistoryConversation[] {
  return Array.from({ length: count }, (_, index) => ({
    messages: [{ timestamp: base + Math.floor(index / 3) * 1000 + (index % 3 === 2 ? 0 : index % 3) }],
  }));
}

/** Ids newest first, ties broken by the larger id: the order the API promises. */
function newestFirst(conversations: { conversationId: string; messages: { timestamp: number }[] }[]) {
  return [...conversations]
    .sort(
      (a, b) =>
        Math.max(...b.messages.map((m) => m.timestamp)) - Math.max(...a.messages.map((m) => m.timestamp)) ||
        (a.conversationId < b.conversationId ? 1 : -1),
    )
    .map((conversation) => conversation.conversationId);
}

describe('listing conversations', () => {
  it('lists newest first with id and ISO updated_time by default, and participants when asked', async () => {
    const at = Date.UTC(2026, 2, 2, 10, 15, 0, 250);
    const [older, newer] = sim.seedHistory({
      account: 'acme.store',
      conversations: [{ messages: [{ timestamp: at - 60_000 }] }, { messages: [{ timestamp: at }] }],
    });
    const { status, body } = await graph('me/conversations?platform=instagram');
    expect(status).toBe(200);
    expect(body.data).toEqual([
      { id: newer?.conversationId, updated_time: '2026-03-02T10:15:00+0000' },
      { id: older?.conversationId, updated_time: '2026-03-02T10:14:00+0000' },
    ]);
    expect(body.paging).toEqual({ cursors: { after: expect.any(String) } });

    const customer = sim.customers().find((c) => c.igsid === newer?.customer);
    const withParticipants = await graph(
      `${shop.igId}/conversations?platform=instagram&fields=participants&limit=1`,
    );
    expect((withParticipants.body as unknown as Page).data).toEqual([
      {
        participants: {
          data: [
            { username: 'acme.store', id: shop.igId },
            { username: customer?.username, id: newer?.customer },
          ],
        },
        id: newer?.conversationId,
      },
    ]);
  });

  it('pages through 500 conversations once each, in order, for every page size', async () => {
    const seeded = sim.seedHistory({ account: 'acme.store', conversations: history(500) });
    const expected = newestFirst(seeded);
    for (const limit of [undefined, 1, 7, 25, 100, 1000]) {
      const query = `me/conversations?platform=instagram${limit === undefined ? '' : `&limit=${limit}`}`;
      const pages = await allPages(await graph(query));
      const size = Math.min(limit ?? 25, 100);
      expect(pages, `limit ${limit}`).toHaveLength(Math.ceil(500 / size));
      expect(
        pages.slice(0, -1).every((p) => p.data.length === size),
        `limit ${limit}`,
      ).toBe(true);
      expect(
        pages.flatMap((p) => p.data.map((c) => c.id)),
        `limit ${limit}`,
      ).toEqual(expected);
      expect(pages.at(-1)?.paging?.next).toBeUndefined();
    }
  });

  it('neither repeats nor skips a conversation that moves ahead of the cursor while paging', async () => {
    const seeded = sim.seedHistory({ account: 'acme.store', conversations: history(60) });
    const expected = newestFirst(seeded);
    const first = (await graph('me/conversations?platform=instagram&limit=10')).body as unknown as Page;
    // A conversation from a later page gets a new message: it is now the newest.
    const moved = seeded.find((c) => c.conversationId === expected[40]);
    sim.sendText({ account: 'acme.store', customer: moved?.customer as string, text: 'news' });
    const rest = await allPages(await get(first.paging?.next as string));
    const seen = [...first.data, ...rest.flatMap((p) => p.data)].map((c) => c.id);
    expect(seen).toEqual(expected.filter((id) => id !== moved?.conversationId));
    const again = (await graph('me/conversations?platform=instagram&limit=1')).body as unknown as Page;
    expect(again.data[0]?.id).toBe(moved?.conversationId);
  });

  it('finds the conversation with one customer by user_id', async () => {
    const [, second] = sim.seedHistory({ account: 'acme.store', conversations: history(3) });
    const one = await graph(`me/conversations?platform=instagram&user_id=${second?.customer}`);
    expect(one.body.data).toEqual([{ id: second?.conversationId, updated_time: expect.any(String) }]);
    expect((await graph('me/conversations?platform=instagram&user_id=5820000000000001')).body).toEqual({
      data: [],
    });
  });

  it('serves the Facebook path on graph.facebook.com with the Page token, by Page id or me', async () => {
    const [seeded] = sim.seedHistory({ account: 'acme.page', conversations: history(1) });
    const expected = [{ id: seeded?.conversationId, updated_time: expect.any(String) }];
    expect((await graph(`${page.pageId}/conversations?platform=instagram`, page)).body.data).toEqual(
      expected,
    );
    expect((await graph('me/conversations?platform=instagram', page)).body.data).toEqual(expected);
    // Without platform=instagram a Page lists its Messenger inbox, which is empty here.
    expect((await graph(`${page.pageId}/conversations`, page)).body).toEqual({ data: [] });
    expect((await graph(`${page.pageId}/conversations?platform=messenger`, page)).body).toEqual({ data: [] });
    // Neither the IG_ID on graph.facebook.com nor a Page token on graph.instagram.com will do.
    expect(errorOf(await graph(`${page.igId}/conversations?platform=instagram`, page))).toMatchObject({
      code: 100,
      error_subcode: 33,
    });
    const wrongHost = await get(
      `${sim.instagramGraphUrl}/v25.0/me/conversations?platform=instagram&access_token=${page.accessToken}`,
    );
    expect(errorOf(wrongHost)).toMatchObject({ code: 190 });
  });

  it('refuses a missing platform on graph.instagram.com, bad limits, bad cursors and others’ accounts', async () => {
    sim.seedHistory({ account: 'acme.store', conversations: history(2) });
    const other = sim.addAccount({ username: 'other.shop' });
    for (const path of [
      'me/conversations',
      'me/conversations?platform=facebook',
      'me/conversations?platform=instagram&limit=0',
      'me/conversations?platform=instagram&limit=ten',
      'me/conversations?platform=instagram&after=bm90LWEtY3Vyc29y',
      `${other.igId}/conversations?platform=instagram`,
      'me/conversations?platform=instagram&fields=id,subject',
    ]) {
      const answer = await graph(path);
      expect(answer.status, path).toBe(400);
      expect(errorOf(answer).code, path).toBe(100);
    }
  });
});

describe('messages of a conversation', () => {
  /** One conversation of `count` messages a minute apart, alternating sides, as plain text. */
  function conversationOf(count: number) {
    const base = Date.now() - 5 * DAY;
    const [seeded] = sim.seedHistory({
      account: 'acme.store',
      conversations: [
        {
          messages: Array.from({ length: count }, (_, index) => ({
            timestamp: base + index * 60_000,
            from: index % 2 === 0 ? ('customer' as const) : ('business' as const),
            kind: 'text' as const,
            text: `message ${index}`,
          })),
        },
      ],
    });
    if (!seeded) throw new Error('nothing seeded');
    return { ...seeded, newestFirst: [...seeded.messages].reverse().map((message) => message.mid) };
  }

  it('lists ids and created_time newest first under fields=messages', async () => {
    const conversation = conversationOf(3);
    const { status, body } = await graph(`${conversation.conversationId}?fields=messages`);
    expect(status).toBe(200);
    const messages = body.messages as Page;
    expect(messages.data).toEqual(
      conversation.newestFirst.map((id) => ({
        id,
        created_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/),
      })),
    );
    expect(body.id).toBe(conversation.conversationId);
  });

  it('gives details of the 20 most recent only, through every page size of the edge', async () => {
    const conversation = conversationOf(47);
    for (const limit of [1, 4, 20, 25, 100]) {
      const pages = await allPages(
        await graph(`${conversation.conversationId}/messages?fields=id,message,from&limit=${limit}`),
      );
      const entries = pages.flatMap((p) => p.data);
      expect(
        entries.map((entry) => entry.id),
        `limit ${limit}`,
      ).toEqual(conversation.newestFirst);
      entries.forEach((entry, index) => {
        if (index >= 20) expect(entry, `entry ${index}`).toEqual({ id: entry.id });
        else
          expect(entry).toEqual({
            id: entry.id,
            message: `message ${46 - index}`,
            from: expect.objectContaining({ id: (46 - index) % 2 === 0 ? expect.any(String) : shop.igId }),
          });
      });
    }
  });

  it('keeps messages of the same millisecond in the order they arrived, through every page size', async () => {
    const at = Date.now() - DAY;
    const [seeded] = sim.seedHistory({
      account: 'acme.store',
      conversations: [
        { messages: Array.from({ length: 30 }, () => ({ timestamp: at, kind: 'text' as const })) },
      ],
    });
    // One that arrives late but was sent earlier goes last, without moving the others.
    const late = sim.sendText({
      account: 'acme.store',
      customer: seeded?.customer as string,
      text: 'x',
      timestamp: at - 1,
    });
    const expected = [...(seeded?.messages ?? [])].reverse().map((message) => message.mid);
    for (const limit of [1, 7, 30]) {
      const pages = await allPages(await graph(`${seeded?.conversationId}/messages?limit=${limit}`));
      expect(pages.flatMap((p) => p.data.map((entry) => entry.id))).toEqual([...expected, late.mid]);
    }
  });

  it('nests messages{…} with .limit(n), and its next link pages the edge', async () => {
    const conversation = conversationOf(12);
    const { body } = await graph(
      `${conversation.conversationId}?fields=messages.limit(5){message},participants,updated_time`,
    );
    const first = body.messages as Page;
    expect(first.data.map((entry) => entry.message)).toEqual([11, 10, 9, 8, 7].map((n) => `message ${n}`));
    expect(Object.keys(body)).toEqual(['messages', 'participants', 'updated_time', 'id']);
    const next = new URL(first.paging?.next as string);
    expect(next.pathname).toBe(`/graph.instagram.com/v25.0/${conversation.conversationId}/messages`);
    expect(next.searchParams.get('fields')).toBe('message');
    expect(next.searchParams.get('limit')).toBe('5');
    const rest = await allPages(await get(next.toString()));
    expect([...first.data, ...rest.flatMap((p) => p.data)].map((entry) => entry.id)).toEqual(
      conversation.newestFirst,
    );
  });

  it('nests messages in the conversation list too', async () => {
    const conversation = conversationOf(3);
    const { body } = await graph('me/conversations?platform=instagram&fields=messages.limit(1){message}');
    expect(body.data).toEqual([
      {
        messages: {
          data: [{ message: 'message 2', id: conversation.newestFirst[0] }],
          paging: { cursors: { after: expect.any(String) }, next: expect.any(String) },
        },
        id: conversation.conversationId,
      },
    ]);
  });

  it('answers a message by id: details while among the 20 most recent, 9000001 after', async () => {
    const conversation = conversationOf(22);
    const newest = conversation.newestFirst[0] as string;
    const customer = sim.customers().find((c) => c.igsid === conversation.customer);
    expect((await graph(`${newest}?fields=id,created_time,from,to,message`)).body).toEqual({
      id: newest,
      created_time: expect.stringMatching(/\+0000$/),
      from: { username: 'acme.store', id: shop.igId },
      to: { data: [{ username: customer?.username, id: conversation.customer }] },
      message: 'message 21',
    });
    expect(Object.keys((await graph(newest)).body)).toEqual(['id', 'created_time']);

    const twentieth = conversation.newestFirst[19] as string;
    expect((await graph(`${twentieth}?fields=message`)).body).toEqual({
      message: 'message 2',
      id: twentieth,
    });
    for (const older of conversation.newestFirst.slice(20)) {
      const answer = await graph(`${older}?fields=message`);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: {
          message: 'This Message has been deleted by the user or the business.',
          type: 'OAuthException',
          code: 9000001,
          fbtrace_id: expect.any(String),
        },
      });
    }

    // A new message pushes the twentieth out of the details.
    sim.sendText({ account: 'acme.store', customer: conversation.customer, text: 'one more' });
    expect(errorOf(await graph(`${twentieth}?fields=message`)).code).toBe(9000001);
    expect(errorOf(await graph(`${newest}?fields=biografy`))).toMatchObject({ code: 100 });
  });

  it('leaves unsent messages out and answers them as deleted', async () => {
    const conversation = conversationOf(3);
    const [, unsent] = conversation.messages;
    sim.unsendMessage({ account: 'acme.store', customer: conversation.customer, mid: unsent?.mid as string });
    const listed = (await graph(`${conversation.conversationId}/messages`)).body.data as Json[];
    expect(listed.map((entry) => entry.id)).toEqual([
      conversation.newestFirst[0],
      conversation.newestFirst[2],
    ]);
    expect(errorOf(await graph(`${unsent?.mid}?fields=message`)).code).toBe(9000001);
  });

  it('shows no account another’s conversations or messages', async () => {
    const conversation = conversationOf(2);
    const other = sim.addAccount({ username: 'other.shop' });
    for (const id of [
      conversation.conversationId,
      conversation.newestFirst[0],
      `${conversation.conversationId}/messages`,
    ]) {
      expect(errorOf(await graph(id as string, other)), id).toMatchObject({ code: 100, error_subcode: 33 });
    }
  });
});

describe('what the API says of each kind of message', () => {
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    sim.setWebhookUrl(receiver.url);
    sim.addCustomer({ username: 'jane.doe' });
  });

  afterEach(async () => {
    await receiver.close();
  });

  const to = { account: 'acme.store', customer: 'jane.doe' };
  const details = async (mid: string) =>
    (
      await graph(
        `${mid}?fields=id,created_time,from,to,message,attachments,shares,story,reactions,is_unsupported`,
      )
    ).body;

  it('says what the webhook said: text, every URL, unsupported, and who sent it', async () => {
    const url = 'https://cdn.example.com/media';
    // Each message to a customer of its own, so every one is among its conversation's newest 20.
    const fresh = () => ({ account: 'acme.store', customer: sim.addCustomer().igsid });
    // Every message-making scenario, with every kind of attachment each side sends.
    for (const type of ['image', 'video', 'audio', 'file', 'share', 'story_mention'] as const)
      sim.sendAttachments({ ...fresh(), attachments: [{ type, url: `${url}/${type}` }] });
    sim.sendAttachments({
      ...fresh(),
      text: 'look',
      attachments: [{ type: 'image', url: `${url}/sticker`, stickerId: '369239263222822' }],
    });
    sim.sendAttachments({
      ...fresh(),
      attachments: [
        { type: 'ig_post', url: `${url}/post` },
        { type: 'ig_reel', url: `${url}/reel` },
        { type: 'ig_story', url: `${url}/story` },
      ],
    });
    sim.sendAttachments({ ...fresh(), attachments: [{ type: 'ephemeral' }, { type: 'like_heart' }] });
    sim.sendText({ ...fresh(), text: 'plain text 👋' });
    sim.sendUnsupported(fresh());
    sim.replyToStory({
      ...fresh(),
      text: 'love it',
      story: { url: `${url}/my-story`, id: '18000000000000123' },
    });
    const pair = fresh();
    const quoted = sim.sendText({ ...pair, text: 'first' });
    sim.replyToMessage({ ...pair, text: 'this one', replyToMid: quoted.mid });
    sim.sendQuickReply({ ...fresh(), text: 'Book a visit', payload: 'BOOK' });
    sim.sendAdReferral({ ...fresh(), text: 'from the ad' });
    sim.sendProductReferral({ ...fresh(), text: 'in blue?' });
    sim.sendPostback({ ...fresh(), title: 'Talk to us', payload: 'TALK' });
    sim.businessEcho({ ...fresh(), text: 'hello from the shop' });
    sim.businessEcho({ ...fresh(), attachments: [{ type: 'video', url: `${url}/reply-video` }] });
    sim.businessEcho({
      ...fresh(),
      attachments: [{ type: 'template', elements: [{ title: 'Linen shirt' }] }],
    });
    await sim.idle();

    const items = receiver.posts.flatMap((post) => post.body.entry.flatMap((entry) => entry.messaging ?? []));
    const messages = items.flatMap((item) => {
      const message = (item.message ?? item.postback) as Json | undefined;
      return message ? [{ item, message }] : [];
    });
    expect(messages).toHaveLength(21);
    // The API lists every message a webhook named, and no other.
    const listed = (
      await allPages(await graph('me/conversations?platform=instagram&fields=messages.limit(100){id}'))
    ).flatMap((p) => p.data.flatMap((conversation) => (conversation.messages as Page).data.map((m) => m.id)));
    expect(new Set(listed)).toEqual(new Set(messages.map(({ message }) => message.mid)));
    expect(listed).toHaveLength(messages.length);

    for (const { item, message } of messages) {
      const shown = await details(message.mid as string);
      const which = JSON.stringify(message);
      expect(shown.id).toBe(message.mid);
      expect((shown.from as Json).id, which).toBe(item.sender.id);
      expect((shown.from as Json).id === shop.igId, which).toBe(message.is_echo === true);
      expect(shown.message, which).toBe(message.text ?? message.title ?? '');
      expect(shown.is_unsupported, which).toBe(message.is_unsupported === true);
      const attachmentUrls = JSON.stringify(message.attachments ?? []).match(/https:\/\/[^"]+/g) ?? [];
      const storyUrl = ((message.reply_to as Json | undefined)?.story as Json | undefined)?.url as
        | string
        | undefined;
      for (const wireUrl of [...attachmentUrls, ...(storyUrl ? [storyUrl] : [])])
        expect(JSON.stringify(shown), which).toContain(wireUrl);
    }
  });

  it('spells each attachment kind in Graph’s shape', async () => {
    const url = (name: string) => `https://cdn.example.com/${name}`;
    const one = async (send: () => { mid: string }) => details(send().mid);
    const attach = (attachments: Parameters<MetaSimulator['sendAttachments']>[0]['attachments']) =>
      one(() => sim.sendAttachments({ ...to, attachments }));

    expect((await attach([{ type: 'image', url: url('a.jpg') }])).attachments).toEqual({
      data: [{ mime_type: 'image/jpeg', image_data: { url: url('a.jpg'), preview_url: url('a.jpg') } }],
    });
    expect((await attach([{ type: 'image', url: url('s.png'), stickerId: '1' }])).attachments).toEqual({
      data: [
        {
          mime_type: 'image/png',
          image_data: { url: url('s.png'), preview_url: url('s.png'), render_as_sticker: true },
        },
      ],
    });
    expect((await attach([{ type: 'video', url: url('v.mp4') }])).attachments).toEqual({
      data: [{ mime_type: 'video/mp4', video_data: { url: url('v.mp4'), preview_url: url('v.mp4') } }],
    });
    expect((await attach([{ type: 'audio', url: url('a.m4a') }])).attachments).toEqual({
      data: [{ mime_type: 'audio/mpeg', file_url: url('a.m4a') }],
    });
    expect((await attach([{ type: 'file', url: url('f.pdf') }])).attachments).toEqual({
      data: [{ mime_type: 'application/pdf', name: 'document.pdf', file_url: url('f.pdf') }],
    });
    const shared = await attach([
      { type: 'share', url: url('share') },
      { type: 'ig_post', url: url('post') },
      { type: 'ig_reel', url: url('reel') },
      { type: 'ig_story', url: url('story') },
    ]);
    expect(shared.shares).toEqual({
      data: ['share', 'post', 'reel', 'story'].map((name) => ({ link: url(name) })),
    });
    expect(shared.attachments).toBeUndefined();
    expect((await attach([{ type: 'story_mention', url: url('mention') }])).story).toEqual({
      mention: { link: url('mention') },
    });
    const reply = await one(() =>
      sim.replyToStory({ ...to, text: 'wow', story: { url: url('mine'), id: '18000000000000123' } }),
    );
    expect(reply).toMatchObject({
      message: 'wow',
      story: { reply_to: { link: url('mine'), id: '18000000000000123' } },
    });
    const viewOnce = await attach([{ type: 'ephemeral' }, { type: 'like_heart' }]);
    expect(viewOnce).toEqual({
      id: expect.any(String),
      created_time: expect.any(String),
      from: expect.any(Object),
      to: expect.any(Object),
      message: '',
      is_unsupported: false,
    });
    const template = await one(() =>
      sim.businessEcho({ ...to, attachments: [{ type: 'template', elements: [{ title: 'Linen shirt' }] }] }),
    );
    expect(template.attachments).toEqual({ data: [{ generic_template: { title: 'Linen shirt' } }] });
    expect(await one(() => sim.sendUnsupported(to))).toMatchObject({ message: '', is_unsupported: true });
  });

  it('shows the customer’s reaction, and drops it when taken back', async () => {
    const echo = sim.businessEcho({ ...to, text: 'Your order shipped' });
    sim.react({ ...to, mid: echo.mid, reaction: 'love' });
    const customer = sim.customers().find((c) => c.username === 'jane.doe');
    expect((await details(echo.mid)).reactions).toEqual({
      data: [{ reaction: '\u2764\ufe0f', users: [{ username: 'jane.doe', id: customer?.igsid }] }],
    });
    sim.unreact({ ...to, mid: echo.mid });
    expect((await details(echo.mid)).reactions).toBeUndefined();
  });
});

describe('the Send API’s replies', () => {
  it('are in the conversation the webhooks name, from the business', async () => {
    const jane = sim.addCustomer({ username: 'jane.doe' });
    const asked = sim.sendText({
      account: 'acme.store',
      customer: 'jane.doe',
      text: 'Do you ship to Lisbon?',
    });
    const response = await fetch(`${sim.instagramGraphUrl}/v25.0/me/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${shop.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ recipient: { id: jane.igsid }, message: { text: 'Yes, in 3 days.' } }),
    });
    const { message_id: replyId } = (await response.json()) as { message_id: string };

    const conversations = (await graph(`me/conversations?platform=instagram&user_id=${jane.igsid}`)).body
      .data as Json[];
    expect(conversations.map((c) => c.id)).toEqual([sim.thread('acme.store', 'jane.doe').conversationId]);
    const messages = await graph(`${conversations[0]?.id}?fields=messages{message,from}`);
    expect((messages.body.messages as Page).data).toEqual([
      { message: 'Yes, in 3 days.', from: { username: 'acme.store', id: shop.igId }, id: replyId },
      { message: 'Do you ship to Lisbon?', from: { username: 'jane.doe', id: jane.igsid }, id: asked.mid },
    ]);
  });
});

describe('rate limit', () => {
  async function control(method: string, route: string, body?: unknown) {
    const response = await fetch(`${sim.url}/control${route}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Json;
  }

  it('allows Meta’s 2 calls per second per account, on the frozen clock, then 613/2534040', async () => {
    const [conversation] = sim.seedHistory({ account: 'acme.store', conversations: history(1) });
    const [elsewhere] = sim.seedHistory({ account: 'acme.page', conversations: history(1) });
    expect(await control('POST', '/conversations-rate-limit', { perSecond: 2 })).toEqual({ perSecond: 2 });
    expect(await control('GET', '/conversations-rate-limit')).toEqual({ perSecond: 2 });
    expect(await control('POST', '/clock', { frozen: true })).toEqual({
      now: expect.any(Number),
      frozen: true,
    });

    const mid = conversation?.messages[0]?.mid as string;
    // Each kind of Conversations API call counts.
    const calls = [
      () => graph('me/conversations?platform=instagram'),
      () => graph(`${conversation?.conversationId}?fields=messages`),
      () => graph(`${conversation?.conversationId}/messages`),
      () => graph(`${mid}?fields=message`),
    ];
    expect((await calls[0]?.())?.status).toBe(200);
    expect((await calls[1]?.())?.status).toBe(200);
    for (const call of calls) {
      const answer = await call();
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: {
          message: '(#613) Calls to this api have exceeded the rate limit.',
          type: 'OAuthException',
          code: 613,
          error_subcode: 2534040,
          fbtrace_id: expect.any(String),
        },
      });
    }
    // Another account has its own calls; other Graph calls are not counted.
    expect((await graph(`${elsewhere?.conversationId}/messages`, page)).status).toBe(200);
    expect((await graph('me?fields=username')).status).toBe(200);

    sim.advanceClock(499);
    expect((await calls[3]?.())?.status).toBe(400);
    sim.advanceClock(1);
    expect((await calls[3]?.())?.status).toBe(200);
    expect((await calls[2]?.())?.status).toBe(400);
    sim.advanceClock(1000);
    expect((await calls[2]?.())?.status).toBe(200);
    expect((await calls[1]?.())?.status).toBe(200);
    expect((await calls[0]?.())?.status).toBe(400);
  });

  it('defaults to Meta’s 2 per second', async () => {
    const fresh = await startMetaSimulator({ app: newMetaAppCredentials() });
    try {
      expect(fresh.conversationsRateLimit()).toBe(2);
    } finally {
      await fresh.stop();
    }
  });
});
