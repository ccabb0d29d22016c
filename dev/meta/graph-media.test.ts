// Media and comments on the Graph API over real HTTP, both hosts: what every account is seeded
// with, reading media and comments, the business's public replies (and their webhooks), hiding
// and deleting, and the 100/33 answer for what the token cannot see.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWebhookSignature } from '#server/meta/webhook-signature.ts';
import { type MetaAppCredentials, newMetaAppCredentials } from './app-credentials.ts';
import type { Media } from './posts.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
import type { Account, Customer } from './world.ts';

let app: MetaAppCredentials;
let receiver: WebhookReceiver;
let sim: MetaSimulator;
let shop: Account;
let page: Account;
let jane: Customer;
let post: Media;

beforeEach(async () => {
  app = newMetaAppCredentials();
  receiver = await startWebhookReceiver();
  sim = await startMetaSimulator({ app, webhookUrl: receiver.url });
  shop = sim.addAccount({ username: 'acme.store', name: 'Acme Store' });
  page = sim.addAccount({ username: 'acme.page', loginPath: 'facebook' });
  jane = sim.addCustomer({ username: 'jane.doe', name: 'Jane Doe' });
  post = sim.media(shop.igId).find((m) => m.productType === 'FEED' && !m.ad) as Media;
});

afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A Graph call with the account's token (its login path picks the host). */
async function graph(method: string, path: string, as: Account = shop, body?: Record<string, unknown>) {
  const base = as.loginPath === 'facebook' ? sim.facebookGraphUrl : sim.instagramGraphUrl;
  const response = await fetch(`${base}/v25.0${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${as.accessToken}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> } as Answer;
}

const get = (path: string, as?: Account) => graph('GET', path, as);

function expectNotFound(answer: Answer, id: string, method = 'get') {
  expect(answer.status).toBe(400);
  expect(answer.body.error).toMatchObject({
    code: 100,
    error_subcode: 33,
    message: expect.stringContaining(
      `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
    ),
  });
}

const comment = (text: string, extra: { parentId?: string; mediaId?: string } = {}) =>
  sim.postComment({ account: shop.username, customer: jane.username, mediaId: post.id, text, ...extra });

/** Every `changes` item delivered so far. */
const changes = () => receiver.posts.flatMap((p) => p.body.entry.flatMap((entry) => entry.changes ?? []));

describe('seeded media', () => {
  it('gives every account a post, a reel and a post running as an ad, counted in media_count', async () => {
    for (const account of [shop, page]) {
      const media = sim.media(account.igId);
      expect(media.map((m) => [m.productType, m.mediaType, m.ad !== null])).toEqual([
        ['FEED', 'IMAGE', true],
        ['REELS', 'VIDEO', false],
        ['FEED', 'IMAGE', false],
      ]);
      expect(media[0]?.ad).toEqual({ id: expect.stringMatching(/^\d+$/), title: 'Spring sale' });
      expect(account.mediaCount).toBe(3);
    }
    expect((await get('/me?fields=media_count')).body.media_count).toBe(3);
  });

  it('serves each picture from the simulator CDN', async () => {
    const reel = sim.media(shop.igId).find((m) => m.productType === 'REELS') as Media;
    for (const url of [post.mediaUrl, reel.thumbnailUrl as string]) {
      expect(url.startsWith(`${sim.url}/scontent.cdninstagram.com/`)).toBe(true);
      const response = await fetch(url);
      expect(response.headers.get('content-type')).toBe('image/svg+xml');
    }
  });
});

describe('GET /{media-id}', () => {
  const fields = 'id,caption,permalink,media_url,thumbnail_url,media_product_type,media_type,timestamp';

  it('answers the fields asked for on graph.instagram.com (thumbnail_url only for videos)', async () => {
    const { status, body } = await get(`/${post.id}?fields=${fields}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      id: post.id,
      caption: 'New arrivals are in \u2728',
      permalink: expect.stringMatching(/^https:\/\/www\.instagram\.com\/p\/[A-Za-z0-9_-]{11}\/$/),
      media_url: post.mediaUrl,
      media_product_type: 'FEED',
      media_type: 'IMAGE',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/),
    });
    expect(body.permalink).toBe(post.permalink);
    const reel = sim.media(shop.igId).find((m) => m.productType === 'REELS') as Media;
    expect((await get(`/${reel.id}?fields=thumbnail_url,permalink`)).body).toEqual({
      thumbnail_url: reel.thumbnailUrl,
      permalink: expect.stringMatching(/^https:\/\/www\.instagram\.com\/reel\//),
      id: reel.id,
    });
    expect((await get(`/${post.id}`)).body).toEqual({ id: post.id });
  });

  it('answers a Page token on graph.facebook.com for the Page’s Instagram account', async () => {
    const own = sim.media(page.igId)[0] as Media;
    expect((await get(`/${own.id}?fields=media_product_type`, page)).body).toEqual({
      media_product_type: 'FEED',
      id: own.id,
    });
  });

  it('answers 100/33 for another account’s media and for an id that is nobody’s', async () => {
    expectNotFound(await get(`/${post.id}?fields=caption`, page), post.id);
    expectNotFound(await get('/18000000000000001?fields=caption'), '18000000000000001');
  });
});

describe('GET /{ig-user}/media', () => {
  it('lists the account’s media newest first, paged like the other listings', async () => {
    const ids = sim.media(shop.igId).map((m) => m.id);
    const first = await get('/me/media?limit=2');
    expect(first.body.data).toEqual([{ id: ids[0] }, { id: ids[1] }]);
    const next = (first.body.paging as { next: string }).next;
    expect(next).toContain('after=');
    const rest = await fetch(next, { headers: { Authorization: `Bearer ${shop.accessToken}` } });
    const second = (await rest.json()) as { data: unknown[]; paging: Record<string, unknown> };
    expect(second.data).toEqual([{ id: ids[2] }]);
    expect(second.paging.next).toBeUndefined();

    const byId = await get(`/${shop.igId}/media?fields=caption,media_product_type`);
    expect((byId.body.data as { media_product_type: string }[]).map((m) => m.media_product_type)).toEqual([
      'FEED',
      'REELS',
      'FEED',
    ]);
  });

  it('takes the IG_ID on graph.facebook.com, where /me is the Page and has no media', async () => {
    expect(((await get(`/${page.igId}/media`, page)).body.data as unknown[]).length).toBe(3);
    const answer = await get('/me/media', page);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 100,
      message: '(#100) Tried accessing nonexisting field (media) on node type (Page)',
    });
    expectNotFound(await get(`/${shop.igId}/media`, page), shop.igId);
  });

  it('lists lives under live_media while they broadcast, not under media', async () => {
    const live = sim.addMedia(shop.username, { productType: 'LIVE', caption: 'Live now' });
    expect((await get('/me/live_media')).body.data).toEqual([{ id: live.id }]);
    expect((await get('/me/media')).body.data).not.toContainEqual({ id: live.id });
    sim.endLive(live.id);
    expect((await get('/me/live_media')).body).toEqual({ data: [] });
  });
});

describe('reading comments', () => {
  it('lists top-level comments with their replies and answers one comment’s fields', async () => {
    const first = comment('price?');
    const second = comment('in blue?');
    const reply = comment('me too', { parentId: first.commentId });

    const listed = await get(`/${post.id}/comments`);
    expect(listed.body.data).toEqual([
      { timestamp: expect.any(String), text: 'in blue?', id: second.commentId },
      { timestamp: expect.any(String), text: 'price?', id: first.commentId },
    ]);

    const nested = await get(`/${post.id}/comments?fields=text,replies{text,parent_id}`);
    expect((nested.body.data as Record<string, unknown>[])[1]).toEqual({
      text: 'price?',
      replies: {
        data: [{ text: 'me too', parent_id: first.commentId, id: reply.commentId }],
        paging: { cursors: { after: expect.any(String) } },
      },
      id: first.commentId,
    });

    const fields = 'id,text,timestamp,hidden,from,media,parent_id,like_count';
    expect((await get(`/${reply.commentId}?fields=${fields}`)).body).toEqual({
      id: reply.commentId,
      text: 'me too',
      timestamp: expect.stringMatching(/\+0000$/),
      hidden: false,
      from: { id: jane.igsid, username: 'jane.doe' },
      media: { id: post.id, media_product_type: 'FEED' },
      parent_id: first.commentId,
      like_count: 0,
    });
    // A top-level comment has no parent_id at all.
    expect((await get(`/${first.commentId}?fields=parent_id`)).body).toEqual({ id: first.commentId });
    expect((await get(`/${first.commentId}/replies`)).body.data).toEqual([
      { timestamp: expect.any(String), text: 'me too', id: reply.commentId },
    ]);
    expect((await get(`/me/media?fields=comments_count`)).body.data).toContainEqual({
      comments_count: 3,
      id: post.id,
    });
  });

  it('keeps comments to the account whose media they are on: another token gets 100/33', async () => {
    const { commentId } = comment('price?');
    expectNotFound(await get(`/${commentId}?fields=text`, page), commentId);
    expectNotFound(await get(`/${post.id}/comments`, page), post.id);
    expectNotFound(await get(`/${commentId}/replies`, page), commentId);
  });
});

describe('public replies', () => {
  it('POST /{comment-id}/replies answers {id}: a comment of the account, sent as a comments webhook', async () => {
    const { commentId } = comment('price?');
    await sim.idle();
    const answer = await graph('POST', `/${commentId}/replies`, shop, { message: '€49, in three colours' });
    expect(answer).toEqual({ status: 200, body: { id: expect.stringMatching(/^\d+$/) } });
    const replyId = answer.body.id as string;
    expect((await get(`/${replyId}?fields=from,parent_id,text`)).body).toEqual({
      from: { id: shop.igId, username: 'acme.store' },
      parent_id: commentId,
      text: '€49, in three colours',
      id: replyId,
    });
    await sim.idle();
    expect(changes().at(-1)).toEqual({
      field: 'comments',
      value: {
        id: replyId,
        from: { id: shop.igId, username: 'acme.store' },
        text: '€49, in three colours',
        media: { id: post.id, media_product_type: 'FEED' },
        parent_id: commentId,
      },
    });
  });

  it('adds a reply to a reply to the top-level comment, and takes the message as a form or query value', async () => {
    const top = comment('price?');
    const nested = comment('same question', { parentId: top.commentId });
    const url = `${sim.instagramGraphUrl}/v25.0/${nested.commentId}/replies?message=${encodeURIComponent('DM us!')}&access_token=${shop.accessToken}`;
    const answer = (await (await fetch(url, { method: 'POST' })).json()) as { id: string };
    expect(sim.comments(post.id).find((c) => c.id === answer.id)?.parentId).toBe(top.commentId);
  });

  it('works on graph.facebook.com with the Page token and signs the webhook with the Meta app secret', async () => {
    const own = sim.media(page.igId)[2] as Media;
    const { commentId } = sim.postComment({
      account: page.igId,
      customer: jane.igsid,
      mediaId: own.id,
      text: 'hi',
    });
    const answer = await graph('POST', `/${commentId}/replies`, page, { message: 'hello!' });
    expect(answer.status).toBe(200);
    await sim.idle();
    const last = receiver.posts.at(-1);
    expect(last?.body.entry[0]?.id).toBe(page.igId);
    const header = last?.headers['x-hub-signature-256'] as string;
    expect(checkWebhookSignature(last?.raw ?? Buffer.alloc(0), header, [app.metaAppSecret]).valid).toBe(true);
  });

  it('refuses an empty message, a hidden comment and a live broadcast’s comment with code 100', async () => {
    const { commentId } = comment('price?');
    expect((await graph('POST', `/${commentId}/replies`, shop, { message: ' ' })).body.error).toMatchObject({
      code: 100,
    });
    await graph('POST', `/${commentId}?hide=true`);
    const hidden = await graph('POST', `/${commentId}/replies`, shop, { message: 'hi' });
    expect(hidden.body.error).toMatchObject({ code: 100, message: expect.stringContaining('hidden') });

    const live = sim.addMedia(shop.username, { productType: 'LIVE' });
    const onLive = sim.postComment({
      account: shop.username,
      customer: jane.username,
      mediaId: live.id,
      text: 'hi',
    });
    const refused = await graph('POST', `/${onLive.commentId}/replies`, shop, { message: 'hi' });
    expect(refused.body.error).toMatchObject({
      code: 100,
      message: expect.stringContaining('private reply'),
    });
    expect(sim.comments(post.id).filter((c) => c.byBusiness)).toEqual([]);
  });
});

describe('hiding and deleting', () => {
  it('POST /{comment-id} hide=true|false answers {success: true}, shows in `hidden`, and sends no webhook', async () => {
    const { commentId } = comment('spam spam');
    await sim.idle();
    const sentBefore = receiver.posts.length;
    expect(await graph('POST', `/${commentId}`, shop, { hide: true })).toEqual({
      status: 200,
      body: { success: true },
    });
    expect((await get(`/${commentId}?fields=hidden`)).body).toEqual({ hidden: true, id: commentId });
    // Still listed for the owner, marked hidden.
    expect((await get(`/${post.id}/comments?fields=hidden`)).body.data).toEqual([
      { hidden: true, id: commentId },
    ]);
    expect((await graph('POST', `/${commentId}?hide=false`)).body).toEqual({ success: true });
    expect((await get(`/${commentId}?fields=hidden`)).body.hidden).toBe(false);
    await sim.idle();
    expect(receiver.posts.length).toBe(sentBefore);

    expect((await graph('POST', `/${commentId}?hide=maybe`)).body.error).toMatchObject({ code: 100 });
    const own = await graph('POST', `/${commentId}/replies`, shop, { message: 'thanks' });
    expect((await graph('POST', `/${own.body.id}?hide=true`)).body.error).toMatchObject({ code: 100 });
  });

  it('DELETE /{comment-id} answers {success: true}; the comment and its replies then answer 100/33, with no webhook', async () => {
    const top = comment('price?');
    const reply = comment('+1', { parentId: top.commentId });
    await sim.idle();
    const sentBefore = receiver.posts.length;
    expect(await graph('DELETE', `/${top.commentId}`)).toEqual({ status: 200, body: { success: true } });
    expectNotFound(await get(`/${top.commentId}?fields=text`), top.commentId);
    expectNotFound(await get(`/${reply.commentId}?fields=text`), reply.commentId);
    expectNotFound(await graph('DELETE', `/${top.commentId}`), top.commentId, 'delete');
    expectNotFound(await graph('POST', `/${top.commentId}?hide=true`), top.commentId, 'post');
    expectNotFound(
      await graph('POST', `/${top.commentId}/replies`, shop, { message: 'x' }),
      top.commentId,
      'post',
    );
    expect((await get(`/${post.id}/comments`)).body).toEqual({ data: [] });
    await sim.idle();
    expect(receiver.posts.length).toBe(sentBefore);
  });

  it('answers 100/33 for comment ids that never existed and for another account’s comment', async () => {
    expectNotFound(await graph('DELETE', '/17900000000000001'), '17900000000000001', 'delete');
    expectNotFound(await get('/17900000000000001?fields=text'), '17900000000000001');
    const { commentId } = comment('price?');
    expectNotFound(await graph('DELETE', `/${commentId}`, page), commentId, 'delete');
    expect(sim.comments(post.id).map((c) => c.deleted)).toEqual([false]);
  });

  it('makes a live broadcast’s comments unreadable once it ended', async () => {
    const live = sim.addMedia(shop.username, { productType: 'LIVE' });
    const { commentId } = sim.postComment({
      account: shop.username,
      customer: jane.username,
      mediaId: live.id,
      text: 'hi',
    });
    expect((await get(`/${commentId}?fields=text`)).body).toEqual({ text: 'hi', id: commentId });
    sim.endLive(live.id);
    expectNotFound(await get(`/${commentId}?fields=text`), commentId);
    expectNotFound(await get(`/${live.id}/comments`), live.id);
  });
});
