// The push stand-in's control API and its refusals, over HTTP as tests and `npm start` use it:
// what it records, tokens marked unregistered, injected faults, and the checks the real services
// make (credentials, headers, sizes) answered in their documented shapes.
import http2 from 'node:http2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PushStandIn, startPushStandIn } from './stand-in.ts';

let standIn: PushStandIn;

beforeAll(async () => {
  standIn = await startPushStandIn();
});
beforeEach(async () => {
  await post('/control/reset', {});
});
afterAll(async () => {
  await standIn?.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${standIn.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const expo = (messages: unknown) => post('/--/api/v2/push/send', messages);
const sent = async (provider?: string) =>
  (
    (await (await fetch(`${standIn.url}/control/sent${provider ? `?provider=${provider}` : ''}`)).json()) as {
      requests: { provider: string; status: number; body: string }[];
    }
  ).requests;

function apns(
  headers: Record<string, string>,
  body = '{"aps":{}}',
): Promise<{ status: number; reason?: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(standIn.apnsUrl);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ...headers });
    let status = 0;
    let text = '';
    stream.on('response', (h) => {
      status = Number(h[':status']);
    });
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    stream.on('end', () => {
      session.close();
      resolve({ status, reason: text ? (JSON.parse(text) as { reason: string }).reason : undefined });
    });
    stream.end(body);
  });
}

describe('control API', () => {
  it('records every request, marks tokens unregistered, injects faults for a count, and resets', async () => {
    const token = 'ExponentPushToken[control-test-01]';
    expect((await expo([{ to: token }])).status).toBe(200);
    expect((await post('/control/unregistered', { token })).status).toBe(200);
    const answer = (await (await expo([{ to: token }])).json()) as { data: { details: { error: string } }[] };
    expect(answer.data[0]?.details.error).toBe('DeviceNotRegistered');
    expect((await post('/control/faults', { provider: 'expo', status: 503, count: 2 })).status).toBe(200);
    expect((await expo([{ to: 'ExponentPushToken[other-device-02]' }])).status).toBe(503);
    expect((await expo([{ to: 'ExponentPushToken[other-device-02]' }])).status).toBe(503);
    expect((await expo([{ to: 'ExponentPushToken[other-device-02]' }])).status).toBe(200);
    expect((await sent('expo')).map((r) => r.status)).toEqual([200, 200, 503, 503, 200]);
    await post('/control/reset', {});
    expect(await sent()).toEqual([]);
    const after = (await (await expo([{ to: token }])).json()) as { data: { status: string }[] };
    expect(after.data[0]?.status).toBe('ok');
  });

  it('holds a provider’s answers (a hung service) until released; the request is recorded on arrival', async () => {
    expect((await post('/control/hold', { provider: 'expo' })).status).toBe(200);
    const pending = expo([{ to: 'ExponentPushToken[held-device-0001]' }]);
    await expect.poll(async () => (await sent('expo')).map((r) => r.status)).toEqual([0]);
    expect((await post('/control/release', { provider: 'expo' })).status).toBe(200);
    expect((await pending).status).toBe(200);
    expect((await sent('expo')).map((r) => r.status)).toEqual([200]);
  });

  it('refuses a fault without provider or status', async () => {
    expect((await post('/control/faults', { status: 500 })).status).toBe(400);
  });
});

describe('what each service refuses, as it documents', () => {
  it('Expo: more than 100 messages in a request', async () => {
    const response = await expo(
      Array.from({ length: 101 }, (_, i) => ({ to: `ExponentPushToken[d${i}xxxxxxxx]` })),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ code: 'PUSH_TOO_MANY_NOTIFICATIONS' }] });
  });

  it('FCM: no access token, an assertion not signed by the service account', async () => {
    const send = await post('/v1/projects/inbox-local/messages:send', { message: { token: 'x' } });
    expect(send.status).toBe(401);
    expect(await send.json()).toMatchObject({ error: { status: 'UNAUTHENTICATED' } });
    const token = await fetch(`${standIn.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=e30.e30.c2ln',
    });
    expect(token.status).toBe(400);
    expect(await token.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('APNs: no provider token, then a forged one', async () => {
    const path = `/3/device/${'ab'.repeat(32)}`;
    expect(
      await apns({ ':path': path, 'apns-topic': 'com.example.inbox', 'apns-push-type': 'alert' }),
    ).toEqual({
      status: 403,
      reason: 'MissingProviderToken',
    });
    expect(
      await apns({
        ':path': path,
        authorization: 'bearer e30.e30.c2ln',
        'apns-topic': 'com.example.inbox',
        'apns-push-type': 'alert',
      }),
    ).toEqual({ status: 403, reason: 'InvalidProviderToken' });
    expect((await sent('apns')).map((r) => r.status)).toEqual([403, 403]);
  });

  it('Web Push: no TTL, no aes128gcm, no VAPID', async () => {
    const endpoint = standIn.newWebPushEndpoint().replace(standIn.url, '');
    const push = (headers: Record<string, string>) =>
      fetch(`${standIn.url}${endpoint}`, { method: 'POST', headers, body: new Uint8Array(10) });
    expect((await push({ 'Content-Encoding': 'aes128gcm' })).status).toBe(400);
    expect((await push({ TTL: '60' })).status).toBe(415);
    expect((await push({ TTL: '60', 'Content-Encoding': 'aes128gcm' })).status).toBe(401);
    expect(
      (
        await push({
          TTL: '60',
          'Content-Encoding': 'aes128gcm',
          Authorization: 'vapid t=e30.e30.c2ln, k=AAAA',
        })
      ).status,
    ).toBe(403);
  });
});
