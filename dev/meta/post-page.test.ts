// The customer's post pages over real HTTP: the media list, a post with its comments and replies
// (escaped; hidden comments only for their author), commenting and replying through the form (a
// webhook), deleting one's own comment (none), errors shown on the page, and a CSP with no script.
// Also that the chat page's script, which renders the rich messages, still parses.
import { Script } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import type { Media } from './posts.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
import type { Account, Customer } from './world.ts';

let receiver: WebhookReceiver;
let sim: MetaSimulator;
let shop: Account;
let jane: Customer;
let bob: Customer;
let post: Media;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  sim = await startMetaSimulator({ app: newMetaAppCredentials(), webhookUrl: receiver.url });
  shop = sim.addAccount({ username: 'acme.store', name: 'Acme <Store>' });
  jane = sim.addCustomer({ username: 'jane.doe', name: 'Jane Doe' });
  bob = sim.addCustomer({ username: 'bob.b', name: 'Bob' });
  post = sim.media(shop.igId)[2] as Media;
});

afterEach(async () => {
  await sim.stop();
  await receiver.close();
});

async function page(path: string) {
  const response = await fetch(`${sim.url}${path}`);
  return { status: response.status, headers: response.headers, html: await response.text() };
}

async function submit(path: string, fields: Record<string, string>) {
  const response = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
}

const changes = () => receiver.posts.flatMap((p) => p.body.entry.flatMap((e) => e.changes ?? []));

describe('GET /post', () => {
  it('lists the first account’s media with links, badges and escaped text, under a CSP with no script', async () => {
    const { status, headers, html } = await page('/post');
    expect(status).toBe(200);
    for (const media of sim.media(shop.igId)) expect(html).toContain(`href="/post/${media.id}"`);
    expect(html).toContain('Ad · Spring sale');
    expect(html).toContain('Acme &lt;Store&gt;');
    expect(html).not.toContain('<Store>');
    expect(html).not.toContain('<script');
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect((await page('/post?account=nobody')).status).toBe(404);
  });
});

describe('GET /post/{media-id}', () => {
  it('shows the picture, caption, comments with their replies, escaped', async () => {
    const top = sim.postComment({
      account: shop.username,
      customer: jane.username,
      mediaId: post.id,
      text: 'price? <b>x</b>',
    });
    sim.postComment({
      account: shop.username,
      customer: bob.username,
      mediaId: post.id,
      text: 'me too',
      parentId: top.commentId,
    });
    const { status, html } = await page(`/post/${post.id}?as=jane.doe`);
    expect(status).toBe(200);
    expect(html).toContain(`src="${post.mediaUrl}"`);
    expect(html).toContain('New arrivals are in');
    expect(html).toContain('price? &lt;b&gt;x&lt;/b&gt;');
    // The reply sits in the list under its comment.
    expect(html).toMatch(
      new RegExp(`id="c${top.commentId}">[\\s\\S]*<ul><li class="comment"[^>]*><b>bob.b</b> me too`),
    );
    // Jane may delete her own comment, not Bob's.
    expect(html.match(/>Delete</g)).toHaveLength(1);
    expect((await page('/post/18000000000000001')).status).toBe(404);
  });

  it('shows a hidden comment only to the person who wrote it', async () => {
    const { commentId } = sim.postComment({
      account: shop.username,
      customer: jane.username,
      mediaId: post.id,
      text: 'spam!',
    });
    await fetch(`${sim.instagramGraphUrl}/v25.0/${commentId}?hide=true&access_token=${shop.accessToken}`, {
      method: 'POST',
    });
    expect((await page(`/post/${post.id}?as=jane.doe`)).html).toContain('spam!');
    expect((await page(`/post/${post.id}?as=bob.b`)).html).not.toContain('spam!');
  });
});

describe('commenting through the page', () => {
  it('a comment and a reply go out as webhooks, then back to the post', async () => {
    const made = await submit(`/post/${post.id}/comments`, {
      customer: jane.igsid,
      text: 'love it',
      parentId: '',
    });
    expect(made.status).toBe(303);
    const [comment] = sim.comments(post.id);
    expect(comment).toMatchObject({
      text: 'love it',
      from: { id: jane.igsid, username: 'jane.doe' },
      parentId: null,
    });
    expect(made.location).toBe(`/post/${post.id}?as=${jane.igsid}#c${comment?.id}`);
    const reply = await submit(`/post/${post.id}/comments`, {
      customer: bob.igsid,
      text: 'same',
      parentId: comment?.id ?? '',
    });
    expect(reply.status).toBe(303);
    await sim.idle();
    expect(changes().map((change) => [change.field, change.value.text, change.value.parent_id])).toEqual([
      ['comments', 'love it', undefined],
      ['comments', 'same', comment?.id],
    ]);
  });

  it('a customer deletes their own comment, with no webhook; errors are shown on the page', async () => {
    const { commentId } = sim.postComment({
      account: shop.username,
      customer: jane.username,
      mediaId: post.id,
      text: 'oops',
    });
    await sim.idle();
    const sentBefore = receiver.posts.length;
    const notHers = await submit(`/post/${post.id}/comments/${commentId}/delete`, { customer: bob.igsid });
    expect(notHers.status).toBe(400);
    expect(notHers.html).toContain('is not @bob.b&#39;s');
    const deleted = await submit(`/post/${post.id}/comments/${commentId}/delete`, { customer: jane.igsid });
    expect(deleted).toMatchObject({ status: 303, location: `/post/${post.id}?as=${jane.igsid}` });
    expect(sim.comments(post.id)[0]?.deleted).toBe(true);
    expect((await page(`/post/${post.id}?as=jane.doe`)).html).not.toContain('oops');
    await sim.idle();
    expect(receiver.posts.length).toBe(sentBefore);

    const empty = await submit(`/post/${post.id}/comments`, { customer: jane.igsid, text: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('write something first');
  });
});

describe('the chat page', () => {
  it('links to the posts and ships a script that parses', async () => {
    const { html } = await page('/chat');
    expect(html).toContain('href="/post"');
    const script = /<script nonce="[^"]+">([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    expect(script).toContain('tap-quick-reply');
    expect(() => new Script(script)).not.toThrow();
  });
});
