// Private replies over real HTTP (`recipient: {comment_id}`): the answer, the thread, the echo and
// the record of a reply; each refusal (100/33 for a comment the token cannot see, 100/2534025 for
// already replied, hidden and expired, 100 for anything but text); that no DM is needed first and
// no window opens; and the hourly limit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import type { Media } from './posts.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
import type { Account, Customer } from './world.ts';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
let receiver: WebhookReceiver;
let sim: MetaSimulator;
let shop: Account;
let jane: Customer;
let post: Media;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  sim = await startMetaSimulator({ app: newMetaAppCredentials(), webhookUrl: receiver.url });
  sim.freezeClock();
  shop = sim.addAccount({ username: 'acme.store' });
  jane = sim.addCustomer({ username: 'jane.doe' });
  post = sim.media(shop.igId)[2] as Media;
});

afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function send(body: Record<string, unknown>, as: Account = shop, node = 'me'): Promise<Answer> {
  const base = as.loginPath === 'facebook' ? sim.facebookGraphUrl : sim.instagramGraphUrl;
  const response = await fetch(`${base}/v25.0/${node}/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${as.accessToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const privateReply = (commentId: string, text = 'Sent you the details here!', as?: Account, node?: string) =>
  send({ recipient: { comment_id: commentId }, message: { text } }, as, node);

const commentOn = (media: Media = post, text = 'price?', account: Account = shop) =>
  sim.postComment({ account: account.username, customer: jane.username, mediaId: media.id, text }).commentId;

function expectError(answer: Answer, code: number, subcode?: number, message?: RegExp) {
  expect(answer.status).toBe(400);
  expect(answer.body.error).toMatchObject({
    code,
    ...(subcode === undefined ? {} : { error_subcode: subcode }),
    ...(message === undefined ? {} : { message: expect.stringMatching(message) }),
  });
}

describe('a private reply', () => {
  it('answers {recipient_id, message_id}, lands in the DM thread marked as a reply to the comment, and is echoed', async () => {
    const commentId = commentOn();
    const answer = await privateReply(commentId);
    expect(answer).toEqual({
      status: 200,
      body: { recipient_id: jane.igsid, message_id: expect.stringMatching(/^aWdf/) },
    });
    const mid = answer.body.message_id;
    expect(sim.thread(shop.igId, jane.igsid).messages).toMatchObject([
      {
        mid,
        from: 'business',
        text: 'Sent you the details here!',
        commentReply: { commentId, commentText: 'price?', mediaId: post.id, permalink: post.permalink },
      },
    ]);
    expect(sim.sentMessages()).toEqual([
      expect.objectContaining({
        mid,
        recipientId: jane.igsid,
        commentId,
        text: 'Sent you the details here!',
        message: { text: 'Sent you the details here!' },
      }),
    ]);
    await sim.idle();
    const echo = receiver.posts.flatMap((p) => p.body.entry.flatMap((e) => e.messaging ?? []));
    expect(echo).toEqual([
      {
        sender: { id: shop.igId },
        recipient: { id: jane.igsid },
        timestamp: expect.any(Number),
        message: { mid, text: 'Sent you the details here!', is_echo: true },
      },
    ]);
  });

  it('works on graph.facebook.com through /{PAGE_ID}/messages', async () => {
    const page = sim.addAccount({ username: 'acme.page', loginPath: 'facebook' });
    const media = sim.media(page.igId)[0] as Media;
    const answer = await privateReply(commentOn(media, 'link?', page), 'here', page, page.pageId as string);
    expect(answer.status).toBe(200);
    expect(answer.body.recipient_id).toBe(jane.igsid);
  });

  it('needs no DM first and opens no window: a DM after it is refused until the customer writes', async () => {
    expect((await privateReply(commentOn())).status).toBe(200);
    expectError(
      await send({ recipient: { id: jane.igsid }, message: { text: 'and another thing' } }),
      10,
      2534022,
    );
    sim.sendText({ account: shop.igId, customer: jane.igsid, text: 'thanks! in blue?' });
    expect((await send({ recipient: { id: jane.igsid }, message: { text: 'yes, in blue' } })).status).toBe(
      200,
    );
  });
});

describe('refusals', () => {
  it('100/2534025 for a second reply to the same comment', async () => {
    const commentId = commentOn();
    expect((await privateReply(commentId)).status).toBe(200);
    expectError(await privateReply(commentId), 100, 2534025, /already replied/);
    expect(sim.sentMessages()).toHaveLength(1);
  });

  it('100/2534025 for a hidden comment', async () => {
    const commentId = commentOn();
    await fetch(`${sim.instagramGraphUrl}/v25.0/${commentId}?hide=true&access_token=${shop.accessToken}`, {
      method: 'POST',
    });
    expectError(await privateReply(commentId), 100, 2534025, /hidden/);
  });

  it('100/2534025 once the comment is more than 7 days old on the simulator clock', async () => {
    const fresh = commentOn();
    const old = commentOn(post, 'older');
    sim.advanceClock(7 * DAY_MS);
    expect((await privateReply(fresh)).status).toBe(200);
    sim.advanceClock(1);
    expectError(await privateReply(old), 100, 2534025, /expired/);
  });

  it('100/2534025 for a live broadcast’s comment once it ended', async () => {
    const live = sim.addMedia(shop.username, { productType: 'LIVE' });
    const during = commentOn(live, 'hello!');
    const after = commentOn(live, 'bye!');
    expect((await privateReply(during)).status).toBe(200);
    sim.endLive(live.id);
    expectError(await privateReply(after), 100, 2534025, /expired/);
  });

  it('100/2534025 for the business’s own comment', async () => {
    const commentId = commentOn();
    const reply = await fetch(
      `${sim.instagramGraphUrl}/v25.0/${commentId}/replies?message=hi&access_token=${shop.accessToken}`,
      { method: 'POST' },
    );
    const { id } = (await reply.json()) as { id: string };
    expectError(await privateReply(id), 100, 2534025);
  });

  it('100/33 for a comment that was deleted, never existed, or is on another account’s media', async () => {
    const deleted = commentOn();
    sim.deleteComment({ customer: jane.username, comment: deleted });
    const other = sim.addAccount({ username: 'other.shop' });
    const theirs = commentOn(sim.media(other.igId)[0] as Media, 'hi', other);
    for (const id of [deleted, '17900000000000001', theirs]) {
      expectError(await privateReply(id), 100, 33, new RegExp(`Object with ID '${id}' does not exist`));
    }
    expect(sim.sentMessages()).toEqual([]);
  });

  it('code 100 for anything but text', async () => {
    const commentId = commentOn();
    const image = { attachment: { type: 'image', payload: { url: 'https://cdn.example.com/a.jpg' } } };
    expectError(
      await send({ recipient: { comment_id: commentId }, message: image }),
      100,
      undefined,
      /only be text/,
    );
    const withQuickReplies = {
      text: 'hi',
      quick_replies: [{ content_type: 'text', title: 'Yes', payload: 'YES' }],
    };
    expectError(await send({ recipient: { comment_id: commentId }, message: withQuickReplies }), 100);
    expectError(await send({ recipient: { comment_id: commentId }, message: {} }), 100);
    expectError(await privateReply(commentId, 'x'.repeat(1001)), 100);
    // None of those used up the comment's one reply.
    expect((await privateReply(commentId)).status).toBe(200);
  });

  it('the owner’s access toggle and blocks apply as to any message', async () => {
    const commentId = commentOn();
    sim.setMessagingAccess(shop.username, false);
    expectError(await privateReply(commentId), 200, 2534041);
    sim.setMessagingAccess(shop.username, true);
    sim.setBlocked(shop.username, jane.username, true);
    expectError(await privateReply(commentId), 551);
  });
});

describe('rate limit', () => {
  it('defaults to Meta’s 750 an hour per account; over it 613/2534040 until the hour refills', async () => {
    expect(sim.privateReplyRateLimit()).toBe(750);
    sim.setPrivateReplyRateLimit(2);
    const comments = [commentOn(), commentOn(), commentOn(), commentOn()];
    expect((await privateReply(comments[0] as string)).status).toBe(200);
    expect((await privateReply(comments[1] as string)).status).toBe(200);
    expectError(await privateReply(comments[2] as string), 613, 2534040);
    // Per account: another account's replies are not counted here.
    const other = sim.addAccount({ username: 'other.shop' });
    expect(
      (await privateReply(commentOn(sim.media(other.igId)[0] as Media, 'hi', other), 'hi', other)).status,
    ).toBe(200);
    sim.advanceClock(HOUR_MS / 2);
    expect((await privateReply(comments[2] as string)).status).toBe(200);
    expectError(await privateReply(comments[3] as string), 613, 2534040);
  });
});
