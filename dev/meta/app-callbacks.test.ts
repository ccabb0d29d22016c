import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { signedRequest } from './signed-request.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';

let sim: MetaSimulator;
let receiver: Server;
let receiverUrl: string;
let received: { path: string; contentType: string | undefined; body: string }[];

beforeEach(async () => {
  sim = await startMetaSimulator({ app: newMetaAppCredentials() });
  sim.addAccount({ username: 'acme.store' });
  sim.addAccount({ username: 'acme.page', loginPath: 'facebook' });
  received = [];
  // The app's side: deauthorize answers 200 with no body, data deletion the required JSON.
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    received.push({
      path: req.url ?? '',
      contentType: req.headers['content-type'],
      body: Buffer.concat(chunks).toString(),
    });
    if (req.url === '/deletion')
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end('{"url":"https://crm.example.test/d?c=del1","confirmation_code":"del1"}');
    else res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await sim.stop();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

/** What the app does (§8): split, recompute the HMAC over the encoded payload, compare, decode. */
function verify(signed: string, secret: string): Record<string, unknown> | null {
  const [signature, payload] = signed.split('.', 2) as [string, string];
  const expected = createHmac('sha256', secret).update(payload).digest();
  const actual = Buffer.from(signature, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
}

async function control(route: string, body: unknown) {
  const response = await fetch(`${sim.url}/control${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('signed_request', () => {
  it('is base64url(HMAC-SHA256 of the encoded payload) "." base64url(JSON), unpadded', () => {
    const signed = signedRequest('s3cret', {
      algorithm: 'HMAC-SHA256',
      issued_at: 1291836800,
      user_id: '218471',
    });
    const payload = Buffer.from(
      '{"algorithm":"HMAC-SHA256","issued_at":1291836800,"user_id":"218471"}',
    ).toString('base64url');
    expect(signed).toBe(`${createHmac('sha256', 's3cret').update(payload).digest('base64url')}.${payload}`);
    expect(signed).not.toContain('=');
    expect(verify(signed, 's3cret')).toMatchObject({ user_id: '218471' });
    expect(verify(signed, 'other')).toBeNull();
  });
});

describe('deauthorize and data deletion callbacks', () => {
  it('deauthorizes an Instagram account: signed with the Instagram secret, tokens revoked', async () => {
    const shop = sim.accounts().find((account) => account.username === 'acme.store');
    const token = shop?.accessToken as string;
    expect((await fetch(`${sim.instagramGraphUrl}/me?access_token=${token}`)).status).toBe(200);

    const answer = await control('/deauthorize', {
      account: 'acme.store',
      callbackUrl: `${receiverUrl}/deauth`,
    });
    expect(answer).toMatchObject({ status: 200, body: { status: 200, body: '' } });
    expect(received).toHaveLength(1);
    const post = received[0];
    expect(post?.path).toBe('/deauth');
    expect(post?.contentType).toBe('application/x-www-form-urlencoded');
    const signed = new URLSearchParams(post?.body).get('signed_request') as string;
    expect(signed).toBe(answer.body.signedRequest);
    expect(verify(signed, sim.app.metaAppSecret)).toBeNull();
    expect(verify(signed, sim.app.instagramAppSecret)).toEqual({
      algorithm: 'HMAC-SHA256',
      issued_at: expect.any(Number),
      user_id: shop?.appScopedUserId,
    });

    const after = await fetch(`${sim.instagramGraphUrl}/me?access_token=${token}`);
    expect(after.status).toBe(400);
    expect(((await after.json()) as { error: { code: number } }).error.code).toBe(190);
  });

  it('asks for data deletion of a Facebook Login user, signed with the Meta app secret, and returns the answer', async () => {
    const page = sim.accounts().find((account) => account.username === 'acme.page');
    sim.setClock(Date.UTC(2026, 0, 2));
    const answer = await sim.requestDataDeletion({
      account: 'acme.page',
      callbackUrl: `${receiverUrl}/deletion`,
    });
    expect(answer).toMatchObject({
      status: 200,
      body: { url: 'https://crm.example.test/d?c=del1', confirmation_code: 'del1' },
    });
    expect(verify(answer.signedRequest, sim.app.metaAppSecret)).toEqual({
      algorithm: 'HMAC-SHA256',
      issued_at: Date.UTC(2026, 0, 2) / 1000,
      user_id: page?.appScopedUserId,
    });
    // Deletion alone leaves the tokens working.
    expect((await fetch(`${sim.facebookGraphUrl}/me?access_token=${page?.accessToken}`)).status).toBe(200);
  });

  it('explains an unreachable callback', async () => {
    const answer = await control('/data-deletion', {
      account: 'acme.store',
      callbackUrl: 'http://127.0.0.1:9/x',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/data-deletion callback http:\/\/127\.0\.0\.1:9\/x failed/);
  });
});
