import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookSignature } from '#server/meta/webhook-signature.ts';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import {
  type MessagingItem,
  type ReceivedPost,
  startWebhookReceiver,
  type WebhookEntry,
  type WebhookReceiver,
} from './webhook-receiver.ts';
import type { Account, Customer } from './world.ts';

const app = newMetaAppCredentials();
let receiver: WebhookReceiver;
let sim: MetaSimulator;
let account: Account;
let customer: Customer;
let to: { account: string; customer: string };

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  sim = await startMetaSimulator({ app, webhookUrl: receiver.url, delivery: { retryDelaysMs: [10] } });
  account = sim.addAccount({ username: 'acme.store', name: 'Acme Store' });
  customer = sim.addCustomer({ username: 'jane.doe', name: 'Jane Doe' });
  to = { account: account.username, customer: customer.username };
});

afterAll(async () => {
  await sim.stop();
  await receiver.close();
});

/** Runs a scenario and returns what it answered with the single entry and item it delivered. */
async function delivered<T>(
  scenario: () => T,
): Promise<{ result: T; entry: WebhookEntry; item: MessagingItem; post: ReceivedPost }> {
  const before = receiver.posts.length;
  const result = scenario();
  await sim.idle();
  const posts = receiver.posts.slice(before);
  expect(posts).toHaveLength(1);
  const post = posts[0] as ReceivedPost;
  expect(post.body.entry).toHaveLength(1);
  const entry = post.body.entry[0] as WebhookEntry;
  const items = entry.messaging ?? entry.standby ?? [];
  return { result, entry, item: items[0] as MessagingItem, post };
}

const fromCustomer = (timestamp: number) => ({
  sender: { id: customer.igsid },
  recipient: { id: account.igId },
  timestamp,
});

describe('customer messages', () => {
  it('(a) text, with a Meta-like mid', async () => {
    const { result, entry, item } = await delivered(() =>
      sim.sendText({ ...to, text: 'Do you ship to Lisbon?' }),
    );
    expect(entry.id).toBe(account.igId);
    expect(item).toEqual({
      ...fromCustomer(result.timestamp),
      message: { mid: result.mid, text: 'Do you ship to Lisbon?' },
    });
    expect(result.mid).toMatch(/^aWdf[A-Za-z0-9_-]{100,}$/);
    expect(Math.abs(result.timestamp - Date.now())).toBeLessThan(5000);
  });

  it('honours an explicit mid and timestamp', async () => {
    const { item } = await delivered(() =>
      sim.sendText({ ...to, text: 'late', mid: 'aWdfZXhwbGljaXQ', timestamp: 1767225599876 }),
    );
    expect(item.timestamp).toBe(1767225599876);
    expect(item.message).toEqual({ mid: 'aWdfZXhwbGljaXQ', text: 'late' });
  });

  it('(b) every attachment kind, several in one message, with text', async () => {
    const { result, item } = await delivered(() =>
      sim.sendAttachments({
        ...to,
        text: 'look',
        attachments: [
          { type: 'image', url: 'https://cdn.example.com/i.jpg' },
          { type: 'video' },
          { type: 'audio' },
          { type: 'file' },
          { type: 'share', url: 'https://cdn.example.com/s' },
          { type: 'ig_post', title: 'Linen shirt', mediaId: '18000000000000999' },
          { type: 'ig_reel', title: 'Reel', reelVideoId: '18000000000000777' },
          { type: 'story_mention' },
          { type: 'ephemeral' },
        ],
      }),
    );
    const message = item.message as { mid: string; text: string; attachments: Record<string, unknown>[] };
    expect(message.mid).toBe(result.mid);
    expect(message.text).toBe('look');
    const [image, video, audio, file, share, post, reel, mention, ephemeral] = message.attachments;
    expect(image).toEqual({ type: 'image', payload: { url: 'https://cdn.example.com/i.jpg' } });
    for (const [attachment, type] of [
      [video, 'video'],
      [audio, 'audio'],
      [file, 'file'],
      [mention, 'story_mention'],
    ] as const) {
      expect(attachment).toEqual({
        type,
        payload: { url: expect.stringMatching(/\/lookaside\.fbsbx\.com\/ig_messaging_cdn\//) },
      });
    }
    expect(share).toEqual({ type: 'share', payload: { url: 'https://cdn.example.com/s' } });
    expect(post).toEqual({
      type: 'ig_post',
      payload: { url: expect.any(String), title: 'Linen shirt', ig_post_media_id: '18000000000000999' },
    });
    expect(reel).toEqual({
      type: 'ig_reel',
      payload: { url: expect.any(String), title: 'Reel', reel_video_id: '18000000000000777' },
    });
    expect(ephemeral).toEqual({ type: 'ephemeral' });
  });

  it("(b) a heart, a sticker and a shared story, in Meta's payload names", async () => {
    const { item } = await delivered(() =>
      sim.sendAttachments({
        ...to,
        attachments: [
          { type: 'like_heart' },
          { type: 'image', url: 'https://cdn.example.com/sticker.png', stickerId: '369239263222822' },
          { type: 'ig_story', storyMediaId: '18000000000000321' },
        ],
      }),
    );
    const [heart, sticker, story] = (item.message as { attachments: unknown[] }).attachments;
    // The heart has no payload at all, as the Send API takes it.
    expect(heart).toEqual({ type: 'like_heart' });
    // A sticker is an image whose payload also names the sticker, by a numeric id.
    expect(sticker).toEqual({
      type: 'image',
      payload: { url: 'https://cdn.example.com/sticker.png', sticker_id: 369239263222822 },
    });
    // A shared story names its media `story_media_url`, not `url`.
    expect(story).toEqual({
      type: 'ig_story',
      payload: {
        story_media_url: expect.stringMatching(/\/lookaside\.fbsbx\.com\/ig_messaging_cdn\//),
        story_media_id: '18000000000000321',
      },
    });
    const shown = sim.thread(to.account, to.customer).messages.at(-1);
    expect(shown?.attachments.map((a) => a.type)).toEqual(['like_heart', 'sticker', 'ig_story']);
  });

  it('(f) unsupported content', async () => {
    const { result, item } = await delivered(() => sim.sendUnsupported(to));
    expect(item.message).toEqual({ mid: result.mid, is_unsupported: true });
  });

  it('(h) story reply', async () => {
    const story = {
      url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1',
      id: '18000000000000123',
    };
    const { result, item } = await delivered(() =>
      sim.replyToStory({ ...to, text: 'Love this look!', story }),
    );
    expect(item.message).toEqual({ mid: result.mid, text: 'Love this look!', reply_to: { story } });
  });

  it('(g) reply to a message', async () => {
    const { item, result } = await delivered(() =>
      sim.replyToMessage({ ...to, text: 'this one', replyToMid: 'aWdfb3JpZ2luYWw' }),
    );
    expect(item.message).toEqual({ mid: result.mid, text: 'this one', reply_to: { mid: 'aWdfb3JpZ2luYWw' } });
  });

  it('(i) quick reply', async () => {
    const { item, result } = await delivered(() =>
      sim.sendQuickReply({ ...to, text: 'Book a visit', payload: 'BOOK_VISIT' }),
    );
    expect(item.message).toEqual({
      mid: result.mid,
      text: 'Book a visit',
      quick_reply: { payload: 'BOOK_VISIT' },
    });
  });

  it('(j) click-to-Direct ad referral inside the message', async () => {
    const { item, result } = await delivered(() =>
      sim.sendAdReferral({
        ...to,
        text: 'Is this still available?',
        adId: '120200000000000001',
        ref: 'spring_promo',
        adsContextData: {
          ad_title: 'Spring sale',
          photo_url: 'https://cdn.example.com/ad.jpg',
          post_id: '18000000000000555',
        },
      }),
    );
    expect(item.message).toEqual({
      mid: result.mid,
      text: 'Is this still available?',
      referral: {
        ref: 'spring_promo',
        ad_id: '120200000000000001',
        source: 'ADS',
        type: 'OPEN_THREAD',
        ads_context_data: {
          ad_title: 'Spring sale',
          photo_url: 'https://cdn.example.com/ad.jpg',
          post_id: '18000000000000555',
        },
      },
    });
  });

  it('(j) a question about a shop product: the referral names only the product', async () => {
    const { item, result } = await delivered(() =>
      sim.sendProductReferral({ ...to, text: 'Is this in stock?', productId: '7000000000000001' }),
    );
    expect(item).toEqual({
      ...fromCustomer(result.timestamp),
      message: {
        mid: result.mid,
        text: 'Is this in stock?',
        referral: { product: { id: '7000000000000001' } },
      },
    });
    const fresh = await delivered(() => sim.sendProductReferral({ ...to, text: 'And this one?' }));
    expect(fresh.item.message).toMatchObject({
      referral: { product: { id: expect.stringMatching(/^7\d{15}$/) } },
    });
  });

  it('(c) business echo typed in the Instagram app', async () => {
    const { item, entry, result } = await delivered(() =>
      sim.businessEcho({ ...to, text: 'Yes! Shipping takes 3 days.' }),
    );
    expect(entry.id).toBe(account.igId);
    expect(item).toEqual({
      sender: { id: account.igId },
      recipient: { id: customer.igsid },
      timestamp: result.timestamp,
      message: { mid: result.mid, text: 'Yes! Shipping takes 3 days.', is_echo: true },
    });
  });

  it('(c) the echo of a generic template carries its cards under payload.generic', async () => {
    const elements = [
      {
        title: 'Linen shirt',
        subtitle: '€49, sand',
        image_url: 'https://cdn.example.com/shirt.jpg',
        default_action: { type: 'web_url' as const, url: 'https://shop.example/p/1' },
        buttons: [
          { type: 'web_url' as const, title: 'View', url: 'https://shop.example/p/1' },
          { type: 'postback' as const, title: 'Ask about it', payload: 'ASK_P1' },
        ],
      },
      { title: 'Linen trousers' },
    ];
    const { item, result } = await delivered(() =>
      sim.businessEcho({ ...to, attachments: [{ type: 'template', elements }] }),
    );
    expect(item).toEqual({
      sender: { id: account.igId },
      recipient: { id: customer.igsid },
      timestamp: result.timestamp,
      message: {
        mid: result.mid,
        attachments: [{ type: 'template', payload: { generic: { elements } } }],
        is_echo: true,
      },
    });
    const shown = sim.thread(to.account, to.customer).messages.at(-1);
    expect(shown?.attachments).toEqual([{ type: 'template', url: null, title: 'Linen shirt' }]);
  });
});

describe('events about messages', () => {
  it('(l) reaction and unreaction', async () => {
    const { mid } = sim.sendText({ ...to, text: 'react to me' });
    await sim.idle();
    const react = await delivered(() => sim.react({ ...to, mid, reaction: 'love' }));
    expect(react.item).toEqual({
      ...fromCustomer(react.result.timestamp),
      reaction: { mid, action: 'react', reaction: 'love', emoji: '\u2764\ufe0f' },
    });
    const custom = await delivered(() => sim.react({ ...to, mid, emoji: '🔥' }));
    expect(custom.item.reaction).toEqual({ mid, action: 'react', reaction: 'other', emoji: '🔥' });
    const unreact = await delivered(() => sim.unreact({ ...to, mid }));
    expect(unreact.item).toEqual({
      ...fromCustomer(unreact.result.timestamp),
      reaction: { mid, action: 'unreact' },
    });
  });

  it('(m) seen, by default of the last business message', async () => {
    sim.sendText({ ...to, text: 'hello?' });
    const echo = sim.businessEcho({ ...to, text: 'Hi Jane' });
    await sim.idle();
    const { item, result } = await delivered(() => sim.markSeen(to));
    expect(result.mid).toBe(echo.mid);
    expect(item).toEqual({ ...fromCustomer(result.timestamp), read: { mid: echo.mid } });
    expect(sim.thread(to.account, to.customer).seenMid).toBe(echo.mid);
  });

  it('(k) edit counts the edits of the message', async () => {
    const { mid } = sim.sendText({ ...to, text: 'size M?' });
    await sim.idle();
    const first = await delivered(() => sim.editMessage({ ...to, mid, text: 'size L?' }));
    expect(first.item).toEqual({
      ...fromCustomer(first.result.timestamp),
      message_edit: { mid, text: 'size L?', num_edit: 1 },
    });
    const second = await delivered(() => sim.editMessage({ ...to, mid, text: 'size XL?' }));
    expect(second.item.message_edit).toEqual({ mid, text: 'size XL?', num_edit: 2 });
  });

  it('(e) unsend', async () => {
    const { mid } = sim.sendText({ ...to, text: 'oops' });
    await sim.idle();
    const { item, result } = await delivered(() => sim.unsendMessage({ ...to, mid }));
    expect(item).toEqual({ ...fromCustomer(result.timestamp), message: { mid, is_deleted: true } });
  });

  it('(n) postback, and an icebreaker carrying an ig.me referral', async () => {
    const plain = await delivered(() =>
      sim.sendPostback({ ...to, title: 'Talk to an agent', payload: 'CARE_HELP' }),
    );
    expect(plain.item).toEqual({
      ...fromCustomer(plain.result.timestamp),
      postback: { mid: plain.result.mid, title: 'Talk to an agent', payload: 'CARE_HELP' },
    });
    const icebreaker = await delivered(() =>
      sim.sendPostback({ ...to, title: 'Prices?', payload: 'PRICES', referral: { ref: 'bio_link' } }),
    );
    expect(icebreaker.item.postback).toEqual({
      mid: icebreaker.result.mid,
      title: 'Prices?',
      payload: 'PRICES',
      referral: { ref: 'bio_link', source: 'SHORTLINK', type: 'OPEN_THREAD' },
    });
  });

  it('(n) postbacks delivered on standby carry no payload', async () => {
    const { entry } = await delivered(() =>
      sim.sendPostback({ ...to, title: 'Agent', payload: 'AGENT', standby: true }),
    );
    expect(entry.messaging).toBeUndefined();
    expect(entry.standby?.[0]?.postback).toEqual({ mid: expect.any(String), title: 'Agent' });
  });

  it('(o) standalone ig.me referral', async () => {
    const { item, result } = await delivered(() => sim.sendReferral({ ...to, ref: 'footer_link' }));
    expect(item).toEqual({
      ...fromCustomer(result.timestamp),
      referral: { ref: 'footer_link', source: 'SHORTLINK', type: 'OPEN_THREAD' },
    });
  });
});

describe('changes-style payloads', () => {
  it('(r) comments arrive as changes with time in seconds', async () => {
    const { entry, result } = await delivered(() =>
      sim.postComment({ ...to, text: 'price?', mediaId: '18000000000000999' }),
    );
    expect(entry).toEqual({
      id: account.igId,
      time: expect.any(Number),
      changes: [
        {
          field: 'comments',
          value: {
            id: result.commentId,
            from: { id: customer.igsid, username: 'jane.doe' },
            text: 'price?',
            media: { id: '18000000000000999', media_product_type: 'FEED' },
          },
        },
      ],
    });
    expect(entry.time).toBeLessThan(1e11);
    expect(Math.abs(entry.time - Date.now() / 1000)).toBeLessThan(10);
  });

  it('the dashboard Test payload: Instagram path changes-style, entry id "0", Instagram secret', async () => {
    const { post } = await delivered(() => sim.sendDashboardTest());
    expect(post.body).toEqual({
      object: 'instagram',
      entry: [
        {
          id: '0',
          time: expect.any(Number),
          changes: [
            {
              field: 'messages',
              value: {
                sender: { id: '12334' },
                recipient: { id: '23245' },
                timestamp: '1527459824',
                message: { mid: 'random_mid', text: 'random_text' },
              },
            },
          ],
        },
      ],
    });
    const header = post.headers['x-hub-signature-256'] as string;
    expect(checkWebhookSignature(post.raw, header, [app.instagramAppSecret]).valid).toBe(true);
  });

  it('the dashboard Test payload: Facebook path as messaging, Meta secret', async () => {
    const { post, entry } = await delivered(() => sim.sendDashboardTest({ loginPath: 'facebook' }));
    expect(entry.id).toBe('0');
    expect(entry.messaging).toEqual([
      {
        sender: { id: '12334' },
        recipient: { id: '23245' },
        timestamp: '1527459824',
        message: { mid: 'random_mid', text: 'random_text' },
      },
    ]);
    const header = post.headers['x-hub-signature-256'] as string;
    expect(checkWebhookSignature(post.raw, header, [app.metaAppSecret]).valid).toBe(true);
  });
});

describe('the thread', () => {
  it('orders by timestamp and applies edits, unsends, reactions and echoes', async () => {
    const shopper = sim.addCustomer({ username: 'thread.test', name: 'Zoë' });
    const pair = { account: account.igId, customer: shopper.igsid };
    const now = Date.now();
    const second = sim.sendText({ ...pair, text: 'second', timestamp: now });
    const first = sim.sendText({ ...pair, text: 'first', timestamp: now - 60_000 });
    const reply = sim.businessEcho({ ...pair, text: 'reply', timestamp: now + 1 });
    sim.editMessage({ ...pair, mid: first.mid, text: 'first, edited' });
    sim.unsendMessage({ ...pair, mid: second.mid });
    sim.react({ ...pair, mid: reply.mid, reaction: 'like' });
    await sim.idle();

    const thread = sim.thread(pair.account, pair.customer);
    expect(thread.customer).toMatchObject({ igsid: shopper.igsid, name: 'Zoë' });
    expect(
      thread.messages.map(({ mid, from, text, edits, deleted, customerReaction }) => ({
        mid,
        from,
        text,
        edits,
        deleted,
        customerReaction,
      })),
    ).toEqual([
      {
        mid: first.mid,
        from: 'customer',
        text: 'first, edited',
        edits: 1,
        deleted: false,
        customerReaction: null,
      },
      { mid: second.mid, from: 'customer', text: 'second', edits: 0, deleted: true, customerReaction: null },
      {
        mid: reply.mid,
        from: 'business',
        text: 'reply',
        edits: 0,
        deleted: false,
        customerReaction: { reaction: 'like', emoji: '👍' },
      },
    ]);
  });

  it('refuses unknown accounts and customers', () => {
    expect(() => sim.sendText({ account: 'nobody', customer: 'jane.doe', text: 'x' })).toThrow(
      /no account nobody/,
    );
    expect(() => sim.sendText({ account: account.igId, customer: '999', text: 'x' })).toThrow(
      /no customer 999/,
    );
  });
});
