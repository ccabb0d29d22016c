// Customer comments as Meta delivers them (§4.6 (r)): the exact `changes` envelope for comments and
// replies, ads (with ad_id and ad_title, optionally twice), live broadcasts, Facebook Login
// accounts, the simulator clock, and what sends nothing (deletions, unsubscribed accounts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWebhookSignature } from '#server/meta/webhook-signature.ts';
import { type MetaAppCredentials, newMetaAppCredentials } from './app-credentials.ts';
import type { Media } from './posts.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import { type ReceivedPost, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
import type { Account, Customer } from './world.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
let app: MetaAppCredentials;
let receiver: WebhookReceiver;
let sim: MetaSimulator;
let shop: Account;
let jane: Customer;
let post: Media;
let ad: Media;

beforeEach(async () => {
  app = newMetaAppCredentials();
  receiver = await startWebhookReceiver();
  sim = await startMetaSimulator({ app, webhookUrl: receiver.url });
  shop = sim.addAccount({ username: 'acme.store' });
  jane = sim.addCustomer({ username: 'jane.doe' });
  post = sim.media(shop.igId).find((m) => m.productType === 'FEED' && !m.ad) as Media;
  ad = sim.media(shop.igId).find((m) => m.ad) as Media;
});

afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

/** The POSTs a scenario caused. */
async function posted(scenario: () => unknown): Promise<ReceivedPost[]> {
  await sim.idle();
  const before = receiver.posts.length;
  scenario();
  await sim.idle();
  return receiver.posts.slice(before);
}

const on = (media: Media, text: string, extra: Record<string, unknown> = {}) => ({
  account: shop.username,
  customer: jane.username,
  mediaId: media.id,
  text,
  ...extra,
});

describe('comments webhooks', () => {
  it('a customer comment is one changes entry: field comments, the comment, its author and media', async () => {
    let result: ReturnType<MetaSimulator['postComment']> | undefined;
    const [delivery, ...more] = await posted(() => {
      result = sim.postComment(on(post, 'price? 😍'));
    });
    expect(more).toEqual([]);
    expect(delivery?.body).toEqual({
      object: 'instagram',
      entry: [
        {
          id: shop.igId,
          time: expect.any(Number),
          changes: [
            {
              field: 'comments',
              value: {
                id: result?.commentId,
                from: { id: jane.igsid, username: 'jane.doe' },
                text: 'price? 😍',
                media: { id: post.id, media_product_type: 'FEED' },
              },
            },
          ],
        },
      ],
    });
    // Non-ASCII goes out \u-escaped, signed with the Instagram app secret.
    expect(delivery?.raw.toString()).toContain('price? \\ud83d\\ude0d');
    const header = delivery?.headers['x-hub-signature-256'] as string;
    expect(
      checkWebhookSignature(delivery?.raw ?? Buffer.alloc(0), header, [app.instagramAppSecret]).valid,
    ).toBe(true);
    expect(result).toEqual({
      commentId: expect.stringMatching(/^\d{17}$/),
      mediaId: post.id,
      parentId: null,
      timestamp: expect.any(Number),
    });
  });

  it('a reply carries parent_id, the top-level comment’s even when replying to a reply', async () => {
    const top = sim.postComment(on(post, 'price?'));
    const reply = sim.postComment(on(post, 'same q', { parentId: top.commentId }));
    const nested = sim.postComment(on(post, 'bump', { parentId: reply.commentId }));
    expect([reply.parentId, nested.parentId]).toEqual([top.commentId, top.commentId]);
    await sim.idle();
    const values = receiver.posts
      .flatMap((p) => p.body.entry.flatMap((e) => e.changes ?? []))
      .map((c) => c.value);
    expect(values.map((v) => [v.id, v.parent_id])).toEqual([
      [top.commentId, undefined],
      [reply.commentId, top.commentId],
      [nested.commentId, top.commentId],
    ]);
    expect(() => sim.postComment(on(ad, 'wrong post', { parentId: top.commentId }))).toThrow(/no comment/);
  });

  it('a comment on an ad carries ad_id and ad_title, and arrives twice when asked', async () => {
    const once = await posted(() => sim.postComment(on(ad, 'link?')));
    const change = once[0]?.body.entry[0]?.changes?.[0];
    expect(change?.value.media).toEqual({
      id: ad.id,
      media_product_type: 'FEED',
      ad_id: ad.ad?.id,
      ad_title: 'Spring sale',
    });

    sim.setAdCommentsTwice(true);
    expect(sim.adCommentsTwice()).toBe(true);
    const twice = await posted(() => sim.postComment(on(ad, 'still there?')));
    const copies = twice.flatMap((p) => p.body.entry.flatMap((e) => e.changes ?? []));
    expect(copies).toHaveLength(2);
    expect(copies[0]).toEqual(copies[1]);
    // Only ads: an organic post's comment still comes once.
    expect(await posted(() => sim.postComment(on(post, 'hi')))).toHaveLength(1);
    // And per comment, whatever the setting.
    sim.setAdCommentsTwice(false);
    const asked = await posted(() => sim.postComment(on(ad, 'again', { twice: true })));
    expect(asked.flatMap((p) => p.body.entry.flatMap((e) => e.changes ?? []))).toHaveLength(2);
  });

  it('a comment on a live broadcast is a live_comments change; none once it ended', async () => {
    const live = sim.addMedia(shop.username, { productType: 'LIVE', caption: 'Q&A' });
    const [delivery] = await posted(() => sim.postComment(on(live, 'hello from the chat')));
    expect(delivery?.body.entry[0]?.changes?.[0]).toMatchObject({
      field: 'live_comments',
      value: { text: 'hello from the chat', media: { id: live.id, media_product_type: 'LIVE' } },
    });
    sim.endLive(live.id);
    expect(() => sim.postComment(on(live, 'too late'))).toThrow(/ended/);
  });

  it('Facebook Login accounts get the same shape, entry.id the IG account id, signed with the Meta app secret', async () => {
    const page = sim.addAccount({ username: 'acme.page', loginPath: 'facebook' });
    const media = sim.media(page.igId)[0] as Media;
    const [delivery] = await posted(() =>
      sim.postComment({
        account: page.pageId as string,
        customer: jane.igsid,
        mediaId: media.id,
        text: 'hi',
      }),
    );
    expect(delivery?.body.entry).toEqual([
      {
        id: page.igId,
        time: expect.any(Number),
        changes: [{ field: 'comments', value: expect.objectContaining({ text: 'hi' }) }],
      },
    ]);
    const header = delivery?.headers['x-hub-signature-256'] as string;
    expect(checkWebhookSignature(delivery?.raw ?? Buffer.alloc(0), header, [app.metaAppSecret]).valid).toBe(
      true,
    );
  });

  it('sends nothing to an unsubscribed account, or with deliver: false', async () => {
    const quiet = sim.addAccount({ username: 'quiet.shop', subscribed: false });
    expect(
      await posted(() => sim.postComment({ account: quiet.username, customer: jane.username, text: 'hi' })),
    ).toEqual([]);
    expect(await posted(() => sim.postComment(on(post, 'old one', { deliver: false })))).toEqual([]);
    expect(sim.comments(post.id).map((c) => c.text)).toEqual(['old one']);
  });
});

describe('comments in the world', () => {
  it('go on the newest media by default; an id the simulator never handed out becomes a feed post', () => {
    const newest = sim.media(shop.igId)[0] as Media;
    expect(sim.postComment({ account: shop.username, customer: jane.username, text: 'hi' }).mediaId).toBe(
      newest.id,
    );
    const restored = sim.postComment(on({ ...post, id: '18000000000000999' }, 'from before'));
    expect(restored.mediaId).toBe('18000000000000999');
    expect(sim.media(shop.igId).find((m) => m.id === '18000000000000999')?.productType).toBe('FEED');
    const other = sim.addAccount({ username: 'other.shop' });
    expect(() =>
      sim.postComment({ account: other.username, customer: jane.username, mediaId: post.id, text: 'x' }),
    ).toThrow(/not @other.shop's/);
  });

  it('are timed on the simulator clock', () => {
    sim.freezeClock();
    sim.advanceClock(3 * DAY_MS);
    const { timestamp, commentId } = sim.postComment(on(post, 'from the future'));
    expect(timestamp).toBe(sim.now());
    expect(sim.comments(post.id).find((c) => c.id === commentId)?.timestamp).toBe(sim.now());
  });

  it('a customer deletes their own comment with no webhook, never someone else’s', async () => {
    const mine = sim.postComment(on(post, 'oops'));
    const bob = sim.addCustomer({ username: 'bob.b' });
    expect(() => sim.deleteComment({ customer: bob.username, comment: mine.commentId })).toThrow(
      /not @bob.b's/,
    );
    expect(
      await posted(() => sim.deleteComment({ customer: jane.username, comment: mine.commentId })),
    ).toEqual([]);
    expect(sim.comments(post.id)).toMatchObject([{ id: mine.commentId, deleted: true }]);
    expect(() => sim.deleteComment({ customer: jane.username, comment: mine.commentId })).toThrow(
      /no comment/,
    );
  });
});
