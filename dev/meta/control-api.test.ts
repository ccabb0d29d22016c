import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import { simulatorUrl, writeSimulatorFile } from './simulator-file.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');
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

async function control(method: string, route: string, body?: unknown) {
  const response = await fetch(`${sim.url}/control${route}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('control API', () => {
  it('creates accounts and customers, sends events and shows the thread', async () => {
    const account = await control('POST', '/accounts', { username: 'ctl.shop', name: 'Ctl Shop' });
    expect(account).toMatchObject({ status: 201, body: { username: 'ctl.shop', loginPath: 'instagram' } });
    const customer = await control('POST', '/customers', { username: 'ctl.customer', name: 'Ana' });
    expect(customer.status).toBe(201);

    const pair = { account: 'ctl.shop', customer: 'ctl.customer' };
    const sent = await control('POST', '/events/text', { ...pair, text: 'hello from control' });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ mid: expect.stringMatching(/^aWdf/), timestamp: expect.any(Number) });
    await control('POST', '/events/echo', { ...pair, text: 'hi Ana' });
    expect((await control('POST', '/idle')).body).toEqual({ idle: true });

    const delivered = receiver.posts.flatMap((post) =>
      post.body.entry.flatMap((entry) => entry.messaging ?? []),
    );
    expect(delivered.map((item) => item.message)).toContainEqual({
      mid: sent.body.mid,
      text: 'hello from control',
    });

    const thread = await control('GET', '/thread?account=ctl.shop&customer=ctl.customer');
    expect(
      (thread.body.messages as { from: string; text: string }[]).map(({ from, text }) => [from, text]),
    ).toEqual([
      ['customer', 'hello from control'],
      ['business', 'hi Ana'],
    ]);

    const status = await control('GET', '/status');
    expect(status.body).toMatchObject({ url: sim.url, webhookUrl: receiver.url, chatUrl: `${sim.url}/chat` });
    expect(status.body.accounts).toContainEqual(
      expect.objectContaining({ username: 'ctl.shop', subscribed: true }),
    );
  });

  it('runs every scenario kind', async () => {
    await control('POST', '/accounts', { username: 'kinds.shop' });
    await control('POST', '/customers', { username: 'kinds.customer' });
    const pair = { account: 'kinds.shop', customer: 'kinds.customer' };
    const { body: first } = await control('POST', '/events/text', { ...pair, text: 'first' });
    const mid = first.mid as string;
    const bodies: Record<string, unknown> = {
      attachments: {
        attachments: [
          { type: 'image' },
          { type: 'ig_reel', title: 'r' },
          { type: 'like_heart' },
          { type: 'image', stickerId: '369239263222822' },
          { type: 'ig_story', storyMediaId: '18000000000000321' },
        ],
      },
      unsupported: {},
      'story-reply': { text: 'nice' },
      reply: { text: 'this', replyToMid: mid },
      'quick-reply': { text: 'Yes', payload: 'YES' },
      'ad-referral': {
        text: 'ad',
        ref: 'promo',
        adsContextData: { ad_title: 'Linen', photo_url: 'https://cdn.example.com/ad.jpg', post_id: '180' },
      },
      'product-referral': { text: 'in stock?', productId: '7000000000000001' },
      referral: { ref: 'bio' },
      postback: { title: 'Go', payload: 'GO', referral: { ref: 'icebreaker' } },
      reaction: { mid, reaction: 'wow' },
      unreaction: { mid },
      edit: { mid, text: 'first!' },
      unsend: { mid },
      echo: {
        attachments: [
          {
            type: 'template',
            elements: [
              {
                title: 'Linen shirt',
                buttons: [
                  { type: 'web_url', title: 'View', url: 'https://shop.example/p/1' },
                  { type: 'postback', title: 'Ask', payload: 'ASK' },
                ],
              },
            ],
          },
        ],
      },
      seen: {},
      comment: { text: 'nice post' },
    };
    for (const [kind, body] of Object.entries(bodies)) {
      const answer = await control('POST', `/events/${kind}`, { ...pair, ...(body as object) });
      expect([kind, answer.status]).toEqual([kind, 200]);
    }
    expect((await control('POST', '/events/dashboard-test', {})).body).toEqual({ sent: true });
  });

  it('answers 400 for invalid bodies and unknown names, 404 for unknown routes', async () => {
    await control('POST', '/accounts', { username: 'bad.shop' });
    await control('POST', '/customers', { username: 'bad.customer' });
    const missingText = await control('POST', '/events/text', {
      account: 'bad.shop',
      customer: 'bad.customer',
    });
    expect(missingText.status).toBe(400);
    expect(missingText.body.error).toMatch(/text/);
    const unknownAccount = await control('POST', '/events/text', {
      account: 'ghost',
      customer: 'bad.customer',
      text: 'x',
    });
    expect(unknownAccount).toEqual({ status: 400, body: { error: 'no account ghost' } });
    const taken = await control('POST', '/accounts', { username: 'bad.shop' });
    expect(taken.status).toBe(400);
    const pair = { account: 'bad.shop', customer: 'bad.customer' };
    // Templates are the business's: a customer cannot send one, and a card needs a title.
    const template = { type: 'template', elements: [{ title: 'Linen shirt' }] };
    expect((await control('POST', '/events/attachments', { ...pair, attachments: [template] })).status).toBe(
      400,
    );
    const untitled = { type: 'template', elements: [{ subtitle: 'no title' }] };
    expect((await control('POST', '/events/echo', { ...pair, attachments: [untitled] })).status).toBe(400);
    // A sticker id has to be a number Meta could send.
    const sticker = { type: 'image', stickerId: 'heart' };
    expect((await control('POST', '/events/attachments', { ...pair, attachments: [sticker] })).status).toBe(
      400,
    );
    const badJson = await fetch(`${sim.url}/control/customers`, { method: 'POST', body: '{nope' });
    expect(badJson.status).toBe(400);
    expect((await control('POST', '/events/teleport', {})).status).toBe(404);
  });

  it('sets delivery options and faults', async () => {
    const options = await control('POST', '/delivery', { retryDelaysMs: [0, 50], reorder: true });
    expect(options.body).toMatchObject({ retryDelaysMs: [0, 50], reorder: true, batchWindowMs: 10 });
    await control('POST', '/delivery', { retryDelaysMs: [0, 1000], reorder: false });

    const fault = await control('POST', '/faults', {
      path: 'subscribed_apps',
      times: 1,
      error: { status: 500 },
    });
    expect(fault).toMatchObject({ status: 201, body: { id: expect.any(String), hits: 0 } });
    expect((await control('GET', '/faults')).body).toHaveLength(1);
    expect((await control('DELETE', '/faults')).body).toEqual([]);
    expect((await control('POST', '/faults', { path: '(' })).status).toBe(400);
  });
});

describe('chat page', () => {
  it('renders escaped account names under a nonce CSP', async () => {
    sim.addAccount({ username: 'xss.shop', name: '<script>alert(1)</script>' });
    const response = await fetch(`${sim.url}/chat`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    const nonce = /script-src 'nonce-([^']+)'/.exec(
      response.headers.get('content-security-policy') ?? '',
    )?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).not.toContain('innerHTML');
  });

  it('redirects / to /chat', async () => {
    const response = await fetch(sim.url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/chat');
  });
});

describe('CLI', () => {
  const cli = (...args: string[]) =>
    run(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'dev', 'meta', 'cli.ts'), ...args], {
      cwd: ROOT,
    });

  it('sends a message and reports status through the control API', async () => {
    sim.addAccount({ username: 'cli.shop' });
    sim.addCustomer({ username: 'cli.customer' });
    const sent = await cli(
      '--url',
      sim.url,
      'send',
      '--account',
      'cli.shop',
      '--customer',
      'cli.customer',
      '--text',
      'from the cli',
    );
    expect(sent.stdout).toMatch(/^mid {2}aWdf/m);
    await sim.idle();
    expect(sim.thread('cli.shop', 'cli.customer').messages.map((m) => m.text)).toEqual(['from the cli']);

    const status = await cli('--url', sim.url, 'status');
    expect(status.stdout).toContain(`simulator   ${sim.url}`);
    expect(status.stdout).toContain('@cli.shop');
  });

  it('sends a product question, an ad with its context and a template echo', async () => {
    sim.addAccount({ username: 'cli.shop2' });
    sim.addCustomer({ username: 'cli.customer2' });
    const pair = ['--url', sim.url, '--account', 'cli.shop2', '--customer', 'cli.customer2'];
    await cli('product-referral', ...pair, '--text', 'in stock?', '--product-id', '7000000000000001');
    await cli(
      'ad-referral',
      ...pair,
      '--text',
      'saw the ad',
      '--ad-title',
      'Spring linen',
      '--post-id',
      '18000000000000555',
    );
    const elements = [
      { title: 'Linen shirt', buttons: [{ type: 'postback', title: 'Ask', payload: 'ASK' }] },
    ];
    await cli('echo', ...pair, '--template', JSON.stringify(elements));
    await cli('attach', ...pair, '--type', 'image', '--sticker-id', '369239263222822');
    await sim.idle();
    const messages = sim.thread('cli.shop2', 'cli.customer2').messages;
    expect(messages.map((m) => [m.referral, m.attachments[0]?.type])).toEqual([
      [{ product: { id: '7000000000000001' } }, undefined],
      [
        expect.objectContaining({
          ads_context_data: { ad_title: 'Spring linen', post_id: '18000000000000555' },
        }),
        undefined,
      ],
      [null, 'template'],
      [null, 'sticker'],
    ]);
  });

  it('explains errors from the simulator', async () => {
    const failed = cli(
      '--url',
      sim.url,
      'send',
      '--account',
      'nobody',
      '--customer',
      'cli.customer',
      '--text',
      'x',
    );
    await expect(failed).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no account nobody'),
    });
  });
});

describe('simulator file', () => {
  it('round-trips the URL, and explains what to do without one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'meta-sim-'));
    const file = path.join(dir, 'meta-simulator.json');
    try {
      await expect(simulatorUrl(undefined, file)).rejects.toThrow(/pass --url .*npm start/);
      await writeSimulatorFile(sim, file);
      expect(await simulatorUrl(undefined, file)).toBe(sim.url);
      expect(await simulatorUrl('http://127.0.0.1:9/', file)).toBe('http://127.0.0.1:9');
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
