// The control API's routes for media, comments, the messenger profile, taps and private-reply
// limits: what each answers, and 400 for bodies it cannot act on.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const cli = (...args: string[]) =>
  promisify(execFile)(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    [path.join(ROOT, 'dev', 'meta', 'cli.ts'), '--url', sim.url, ...args],
    { cwd: ROOT },
  );
let receiver: WebhookReceiver;
let sim: MetaSimulator;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  sim = await startMetaSimulator({ app: newMetaAppCredentials(), webhookUrl: receiver.url });
});

afterAll(async () => {
  await sim.stop();
  await receiver.close();
});

/** Answers are read field by field; `T` says which fields a test reads. */
async function control<T = Record<string, unknown>>(method: string, route: string, body?: unknown) {
  const response = await fetch(`${sim.url}/control${route}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface MediaAnswer {
  id: string;
  ad: { id: string; title: string };
}

interface CommentAnswer {
  commentId: string;
  parentId: string | null;
}

describe('media and comments', () => {
  it('lists and publishes media, comments and replies, lists and deletes comments', async () => {
    await control('POST', '/accounts', { username: 'posts.shop' });
    await control('POST', '/customers', { username: 'posts.customer' });
    const seeded = await control<unknown[]>('GET', '/media?account=posts.shop');
    expect(seeded.status).toBe(200);
    expect(seeded.body).toHaveLength(3);

    const reel = await control<MediaAnswer>('POST', '/media', {
      account: 'posts.shop',
      caption: 'New reel',
      productType: 'REELS',
      ad: { title: 'Reel ad' },
    });
    expect(reel).toMatchObject({
      status: 201,
      body: { caption: 'New reel', productType: 'REELS', ad: { id: expect.any(String), title: 'Reel ad' } },
    });

    const pair = { account: 'posts.shop', customer: 'posts.customer' };
    const top = await control<CommentAnswer>('POST', '/events/comment', {
      ...pair,
      mediaId: reel.body.id,
      text: 'price?',
    });
    expect(top).toEqual({
      status: 200,
      body: {
        commentId: expect.any(String),
        mediaId: reel.body.id,
        parentId: null,
        timestamp: expect.any(Number),
      },
    });
    const reply = await control<CommentAnswer>('POST', '/events/comment', {
      ...pair,
      mediaId: reel.body.id,
      parentId: top.body.commentId,
      text: 'same',
      twice: true,
    });
    expect(reply.body.parentId).toBe(top.body.commentId);
    await control('POST', '/idle');
    const copies = receiver.posts
      .flatMap((p) => p.body.entry.flatMap((e) => e.changes ?? []))
      .filter((c) => c.value.id === reply.body.commentId);
    expect(copies.map((c) => c.value.media)).toEqual([
      { id: reel.body.id, media_product_type: 'REELS', ad_id: reel.body.ad.id, ad_title: 'Reel ad' },
      { id: reel.body.id, media_product_type: 'REELS', ad_id: reel.body.ad.id, ad_title: 'Reel ad' },
    ]);

    const deleted = await control('POST', '/comments/delete', {
      customer: 'posts.customer',
      comment: reply.body.commentId,
    });
    expect(deleted).toEqual({ status: 200, body: { deleted: true } });
    const listed = await control<{ text: string; deleted: boolean }[]>(
      'GET',
      `/comments?media=${reel.body.id}`,
    );
    expect(listed.body.map((c) => [c.text, c.deleted])).toEqual([
      ['price?', false],
      ['same', true],
    ]);

    const live = await control<MediaAnswer>('POST', '/media', { account: 'posts.shop', productType: 'LIVE' });
    const ended = await control('POST', '/media/end-live', { media: live.body.id });
    expect(ended.body).toMatchObject({ id: live.body.id, liveEnded: true });

    expect((await control('POST', '/ad-comments-twice', { enabled: true })).body).toEqual({ enabled: true });
    expect((await control('GET', '/ad-comments-twice')).body).toEqual({ enabled: true });
    await control('POST', '/ad-comments-twice', { enabled: false });
  });

  it('answers 400 for what it cannot act on', async () => {
    await control('POST', '/accounts', { username: 'bad.posts' });
    await control('POST', '/customers', { username: 'bad.commenter' });
    const pair = { account: 'bad.posts', customer: 'bad.commenter' };
    for (const [method, route, body] of [
      ['GET', '/media?account=nobody', undefined],
      ['POST', '/media', { account: 'bad.posts', productType: 'STORY' }],
      ['POST', '/media', { account: 'bad.posts', productType: 'LIVE', ad: true }],
      ['POST', '/media/end-live', { media: '18000000000000002' }],
      ['GET', '/comments?media=18000000000000002', undefined],
      ['POST', '/events/comment', { ...pair, text: 'x', parentId: '17900000000000001' }],
      ['POST', '/events/comment', { ...pair }],
      ['POST', '/comments/delete', { customer: 'bad.commenter', comment: '17900000000000001' }],
      ['POST', '/ad-comments-twice', { enabled: 'yes' }],
      ['POST', '/private-reply-rate-limit', { perHour: 0 }],
    ] as const) {
      expect([method, route, (await control(method, route, body)).status]).toEqual([method, route, 400]);
    }
  });
});

describe('messenger profile, taps and private-reply limits', () => {
  it('reads the profile the app set, taps its ice breakers and menu, and quick replies and buttons of echoes', async () => {
    const account = (await control<{ accessToken: string }>('POST', '/accounts', { username: 'taps.shop' }))
      .body;
    await control('POST', '/customers', { username: 'taps.customer' });
    const pair = { account: 'taps.shop', customer: 'taps.customer' };
    expect((await control('GET', '/messenger-profile?account=taps.shop')).body).toEqual({});
    const set = await fetch(
      `${sim.instagramGraphUrl}/v25.0/me/messenger_profile?access_token=${account.accessToken}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          platform: 'instagram',
          ice_breakers: [{ locale: 'default', call_to_actions: [{ question: 'Hours?', payload: 'HOURS' }] }],
          persistent_menu: [
            {
              locale: 'default',
              call_to_actions: [{ type: 'web_url', title: 'Shop', url: 'https://shop.example/' }],
            },
          ],
        }),
      },
    );
    expect(set.status).toBe(200);
    expect((await control('GET', '/messenger-profile?account=taps.shop')).body).toMatchObject({
      ice_breakers: [{ locale: 'default' }],
      persistent_menu: [{ locale: 'default' }],
    });

    const iceBreaker = await control('POST', '/events/tap-ice-breaker', { ...pair, payload: 'HOURS' });
    expect(iceBreaker.body).toEqual({ mid: expect.stringMatching(/^aWdf/), timestamp: expect.any(Number) });
    expect((await control('POST', '/events/tap-menu-item', { ...pair, index: 0 })).body).toEqual({
      opened: 'https://shop.example/',
    });

    const offered = await control<{ mid: string }>('POST', '/events/echo', {
      ...pair,
      text: 'Pick one',
      quickReplies: [{ title: 'Yes', payload: 'YES' }],
    });
    const tapped = await control('POST', '/events/tap-quick-reply', {
      ...pair,
      mid: offered.body.mid,
      payload: 'YES',
    });
    expect(tapped.status).toBe(200);
    expect((await control('POST', '/events/tap-quick-reply', { ...pair })).status).toBe(400);

    const card = await control<{ mid: string }>('POST', '/events/echo', {
      ...pair,
      attachments: [
        {
          type: 'template',
          text: 'Need help?',
          buttons: [{ type: 'postback', title: 'Agent', payload: 'AGENT' }],
        },
      ],
    });
    expect(
      (await control('POST', '/events/tap-button', { ...pair, mid: card.body.mid, button: 0 })).status,
    ).toBe(200);
    const thread = await control<{ messages: { text: string | null }[]; iceBreakers: unknown }>(
      'GET',
      '/thread?account=taps.shop&customer=taps.customer',
    );
    expect(thread.body.messages.map((m) => m.text)).toEqual(['Hours?', 'Pick one', 'Yes', null, 'Agent']);
    expect(thread.body.iceBreakers).toEqual([{ question: 'Hours?', payload: 'HOURS' }]);
    expect(
      (await control('POST', '/events/tap-button', { ...pair, mid: card.body.mid, button: 3 })).status,
    ).toBe(400);
  });

  it('reads and sets the private-reply rate limit', async () => {
    expect((await control('GET', '/private-reply-rate-limit')).body).toEqual({ perHour: 750 });
    expect((await control('POST', '/private-reply-rate-limit', { perHour: 5 })).body).toEqual({ perHour: 5 });
    expect(sim.privateReplyRateLimit()).toBe(5);
    await control('POST', '/private-reply-rate-limit', { perHour: 750 });
  });
});

describe('CLI', () => {
  it('lists media, comments and replies on one, lists the comments and taps an ice breaker', async () => {
    const shop = sim.addAccount({ username: 'cli.posts' });
    sim.addCustomer({ username: 'cli.commenter' });
    const post = sim.media(shop.igId)[2] as { id: string };
    expect((await cli('media', '--account', 'cli.posts')).stdout).toContain(`${post.id}  FEED  New arrivals`);
    const pair = ['--account', 'cli.posts', '--customer', 'cli.commenter'];
    const made = await cli('comment', ...pair, '--media-id', post.id, '--text', 'price?');
    const commentId = /^commentId {2}(\d+)$/m.exec(made.stdout)?.[1] as string;
    await cli('comment', ...pair, '--media-id', post.id, '--parent-id', commentId, '--text', 'same');
    const listed = (await cli('comments', '--media-id', post.id)).stdout;
    expect(listed).toContain(`${commentId}  @cli.commenter: price?`);
    expect(listed).toContain('    ↳ ');
    await expect(cli('tap-ice-breaker', ...pair)).rejects.toMatchObject({
      stderr: expect.stringContaining('has no ice breakers'),
    });
  });
});
