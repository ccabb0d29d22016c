// Each sender against the push stand-in over real HTTP (h2c for APNs): what it sends, and what
// it makes of each answer the provider documents; and against a local server answering what no
// provider documents (a 200 that is not JSON).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '#dev/postgres.ts';
import { newPushCredentials, newVapidKeys } from '#dev/push/credentials.ts';
import { type PushStandIn, startPushStandIn } from '#dev/push/stand-in.ts';
import { decryptWebPush, newBrowserKeys } from '#dev/push/web-push-crypto.ts';
import { createApnsSender } from './apns-sender.ts';
import { createExpoSender } from './expo-sender.ts';
import { createFcmSender, ServiceAccountSchema } from './fcm-sender.ts';
import type { Outbound, PushNotification, PushSender } from './sender.ts';
import { createWebPushSender } from './web-push-sender.ts';

let standIn: PushStandIn;
const senders: PushSender[] = [];
const servers: Server[] = [];
const vapid = newVapidKeys();

const notification: PushNotification = {
  title: 'New message in Shop',
  workspaceId: '00000000-0000-4000-8000-000000000001',
  conversationId: '00000000-0000-4000-8000-000000000002',
  messageId: '00000000-0000-4000-8000-000000000003',
  badge: 7,
  path: '/w/00000000-0000-4000-8000-000000000001/inbox/00000000-0000-4000-8000-000000000002',
};

const expoToken = (n: number) => `ExponentPushToken[device-${String(n).padStart(6, '0')}]`;
const apnsToken = (n: number) => n.toString(16).padStart(64, 'a');
const fcmToken = (n: number) => `fcm-registration-token-${n}:APA91b`;

function outbound(deviceId: string, address: Outbound['address'], appId: string | null = null): Outbound {
  return {
    deviceId,
    address,
    appId,
    notification,
    idempotencyKey: `00000000-0000-8000-8000-${deviceId.padStart(12, '0')}`,
  };
}

beforeAll(async () => {
  standIn = await startPushStandIn();
});
beforeEach(() => standIn.reset());
afterAll(async () => {
  await Promise.all(senders.map((s) => s.close()));
  await standIn?.stop();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function make<T extends PushSender>(sender: T): T {
  senders.push(sender);
  return sender;
}

/** A local HTTP server answering each request as `answer` says; `paths` are those it was asked. */
async function answering(answer: (path: string, body: string) => { status: number; body: string }) {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      paths.push(request.url ?? '');
      const { status, body } = answer(request.url ?? '', Buffer.concat(chunks).toString('utf8'));
      response.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

describe('Expo', () => {
  const expo = () => make(createExpoSender({ baseUrl: standIn.url, timeoutMs: 5000 }));

  it('sends in batches of at most 100, one ticket per message, in order', async () => {
    const batch = Array.from({ length: 250 }, (_, i) =>
      outbound(String(i), { platform: 'expo', token: expoToken(i) }),
    );
    standIn.markUnregistered(expoToken(120));
    const outcomes = await expo().send(batch);
    expect(standIn.requests('expo').map((r) => (JSON.parse(r.body) as unknown[]).length)).toEqual([
      100, 100, 50,
    ]);
    expect(outcomes.filter((o) => o.kind === 'sent')).toHaveLength(249);
    expect(outcomes[120]).toEqual({ kind: 'gone', reason: 'DeviceNotRegistered' });
    const first = (JSON.parse(standIn.requests('expo')[0]?.body ?? '[]') as Record<string, unknown>[])[0];
    expect(first).toMatchObject({
      to: expoToken(0),
      title: notification.title,
      badge: 7,
      data: { messageId: notification.messageId },
    });
  });

  it.each([429, 500, 503])('a %s for the request is tried again, for every message in it', async (status) => {
    standIn.inject({ provider: 'expo', status });
    const outcomes = await expo().send([
      outbound('1', { platform: 'expo', token: expoToken(1) }),
      outbound('2', { platform: 'expo', token: expoToken(2) }),
    ]);
    expect(outcomes).toEqual([
      { kind: 'retry', reason: `HTTP ${status}` },
      { kind: 'retry', reason: `HTTP ${status}` },
    ]);
  });

  it('a service that cannot be reached is tried again (nothing was sent)', async () => {
    const outcomes = await make(
      createExpoSender({ baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2000 }),
    ).send([outbound('1', { platform: 'expo', token: expoToken(1) })]);
    expect(outcomes[0]).toMatchObject({ kind: 'retry' });
  });

  it('receipts: a 200 whose body is not JSON leaves its tickets for the next round, and the next call is still made', async () => {
    const ids = Array.from({ length: 1500 }, (_, i) => `ticket-${i}`);
    const service = await answering((_, body) => {
      const asked = (JSON.parse(body) as { ids: string[] }).ids;
      if (asked.includes('ticket-0')) return { status: 200, body: '<html>Bad gateway</html>' };
      return {
        status: 200,
        body: JSON.stringify({ data: Object.fromEntries(asked.map((id) => [id, { status: 'ok' }])) }),
      };
    });
    const receipts = await make(createExpoSender({ baseUrl: service.url, timeoutMs: 5000 })).readReceipts?.(
      ids,
    );
    expect([...(receipts?.keys() ?? [])]).toEqual(ids.slice(1000));
    expect(service.paths).toEqual(Array(2).fill('/--/api/v2/push/getReceipts'));
  });
});

describe('FCM HTTP v1', () => {
  const account = () =>
    ServiceAccountSchema.parse(JSON.parse(standIn.env().PUSH_FCM_SERVICE_ACCOUNT ?? '{}'));
  const fcm = () =>
    make(
      createFcmSender({
        baseUrl: standIn.url,
        tokenUrl: `${standIn.url}/token`,
        serviceAccount: account(),
        timeoutMs: 5000,
      }),
    );

  it('gets one access token with a signed assertion, then sends one request per message', async () => {
    const sender = fcm();
    const outcomes = [
      ...(await sender.send([outbound('1', { platform: 'fcm', token: fcmToken(1) })])),
      ...(await sender.send([outbound('2', { platform: 'fcm', token: fcmToken(2) })])),
    ];
    expect(outcomes.map((o) => o.kind)).toEqual(['sent', 'sent']);
    expect(standIn.requests('fcm-token')).toHaveLength(1);
    const sends = standIn.requests('fcm');
    expect(sends.map((r) => r.path)).toEqual(Array(2).fill('/v1/projects/inbox-local/messages:send'));
    expect(JSON.parse(sends[0]?.body ?? '{}')).toMatchObject({
      message: { token: fcmToken(1), notification: { title: notification.title }, data: { badge: '7' } },
    });
  });

  it('UNREGISTERED forgets the device; 429 and 5xx are tried again', async () => {
    standIn.markUnregistered(fcmToken(3));
    const sender = fcm();
    expect(await sender.send([outbound('3', { platform: 'fcm', token: fcmToken(3) })])).toEqual([
      { kind: 'gone', reason: 'UNREGISTERED' },
    ]);
    standIn.inject({ provider: 'fcm', status: 429 });
    standIn.inject({ provider: 'fcm', status: 503 });
    expect(await sender.send([outbound('4', { platform: 'fcm', token: fcmToken(4) })])).toEqual([
      { kind: 'retry', reason: 'QUOTA_EXCEEDED' },
    ]);
    expect(await sender.send([outbound('4', { platform: 'fcm', token: fcmToken(4) })])).toEqual([
      { kind: 'retry', reason: 'UNAVAILABLE' },
    ]);
  });

  it('an assertion signed with another key gets no token, and nothing is sent', async () => {
    const other = ServiceAccountSchema.parse({
      ...account(),
      private_key: newPushCredentials().fcm.privateKeyPem,
    });
    const sender = make(
      createFcmSender({
        baseUrl: standIn.url,
        tokenUrl: `${standIn.url}/token`,
        serviceAccount: other,
        timeoutMs: 5000,
      }),
    );
    expect(await sender.send([outbound('5', { platform: 'fcm', token: fcmToken(5) })])).toEqual([
      { kind: 'failed', reason: 'token endpoint answered HTTP 400' },
    ]);
    expect(standIn.requests('fcm')).toEqual([]);
  });

  it('a 200 whose body is not JSON is sent, with no ref; the rest of the batch is sent, refs kept', async () => {
    const batch = Array.from({ length: 12 }, (_, i) =>
      outbound(String(i), { platform: 'fcm', token: fcmToken(i) }),
    );
    const names = new Map(
      batch.map((item, i) => [fcmToken(i), `projects/inbox-local/messages/${item.deviceId}`]),
    );
    const service = await answering((path, body) => {
      if (path === '/token')
        return { status: 200, body: JSON.stringify({ access_token: 'local', expires_in: 3600 }) };
      const { token } = (JSON.parse(body) as { message: { token: string } }).message;
      // The first answer fails while the others are in flight (8 at once) or yet to go.
      if (token === fcmToken(0)) return { status: 200, body: '<html>Accepted</html>' };
      return { status: 200, body: JSON.stringify({ name: names.get(token) }) };
    });
    const sender = make(
      createFcmSender({
        baseUrl: service.url,
        tokenUrl: `${service.url}/token`,
        serviceAccount: account(),
        timeoutMs: 5000,
      }),
    );
    expect(await sender.send(batch)).toEqual([
      { kind: 'sent', ref: null },
      ...batch.slice(1).map((_, i) => ({ kind: 'sent', ref: names.get(fcmToken(i + 1)) })),
    ]);
    expect(service.paths.filter((p) => p !== '/token')).toHaveLength(12);
  });

  it('a token endpoint answering 200 with what is not JSON gives no token, and its text is not quoted', async () => {
    const service = await answering(() => ({ status: 200, body: 'ya29.a-token-cut-short' }));
    const sender = make(
      createFcmSender({
        baseUrl: service.url,
        tokenUrl: `${service.url}/token`,
        serviceAccount: account(),
        timeoutMs: 5000,
      }),
    );
    expect(await sender.send([outbound('1', { platform: 'fcm', token: fcmToken(1) })])).toEqual([
      { kind: 'failed', reason: 'token endpoint gave no access token' },
    ]);
    expect(service.paths).toEqual(['/token']);
  });
});

describe('APNs over HTTP/2', () => {
  const apns = () => {
    const { apns: key } = standIn.credentials;
    return make(
      createApnsSender({
        baseUrl: standIn.apnsUrl,
        keyId: key.keyId,
        teamId: key.teamId,
        privateKey: key.privateKeyPem,
        timeoutMs: 5000,
      }),
    );
  };

  it('sends each notification on one connection with the documented headers', async () => {
    const sender = apns();
    const outcomes = await sender.send([
      outbound('1', { platform: 'apns', token: apnsToken(1) }, 'com.example.inbox'),
      outbound('2', { platform: 'apns', token: apnsToken(2) }, 'com.example.inbox'),
    ]);
    expect(outcomes).toEqual([
      { kind: 'sent', ref: '00000000-0000-8000-8000-000000000001' },
      { kind: 'sent', ref: '00000000-0000-8000-8000-000000000002' },
    ]);
    const [first] = standIn.requests('apns');
    expect(first).toMatchObject({ method: 'POST', path: `/3/device/${apnsToken(1)}`, status: 200 });
    expect(first?.headers).toMatchObject({
      'apns-topic': 'com.example.inbox',
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-collapse-id': notification.conversationId,
    });
    expect(JSON.parse(first?.body ?? '{}')).toEqual({
      aps: {
        alert: { title: notification.title },
        badge: 7,
        sound: 'default',
        'mutable-content': 1,
        'thread-id': notification.conversationId,
      },
      workspaceId: notification.workspaceId,
      conversationId: notification.conversationId,
      messageId: notification.messageId,
    });
  });

  it('410 Unregistered and BadDeviceToken forget the device; 429 and 503 are tried again', async () => {
    standIn.markUnregistered(apnsToken(9));
    const sender = apns();
    const gone = await sender.send([
      outbound('9', { platform: 'apns', token: apnsToken(9) }, 'com.example.inbox'),
      outbound('10', { platform: 'apns', token: 'zz'.repeat(32) }, 'com.example.inbox'),
    ]);
    expect(gone).toEqual([
      { kind: 'gone', reason: 'Unregistered' },
      { kind: 'gone', reason: 'BadDeviceToken' },
    ]);
    standIn.inject({ provider: 'apns', status: 429 });
    standIn.inject({ provider: 'apns', status: 503 });
    const item = outbound('11', { platform: 'apns', token: apnsToken(11) }, 'com.example.inbox');
    expect(await sender.send([item])).toEqual([{ kind: 'retry', reason: 'TooManyRequests' }]);
    expect(await sender.send([item])).toEqual([{ kind: 'retry', reason: 'ServiceUnavailable' }]);
    expect(await sender.send([item])).toEqual([{ kind: 'sent', ref: item.idempotencyKey }]);
  });

  it('a provider token signed with another key is refused', async () => {
    const other = newPushCredentials().apns;
    const sender = make(
      createApnsSender({
        baseUrl: standIn.apnsUrl,
        keyId: standIn.credentials.apns.keyId,
        teamId: standIn.credentials.apns.teamId,
        privateKey: other.privateKeyPem,
        timeoutMs: 5000,
      }),
    );
    expect(
      await sender.send([outbound('1', { platform: 'apns', token: apnsToken(1) }, 'com.example.inbox')]),
    ).toEqual([{ kind: 'failed', reason: 'InvalidProviderToken' }]);
  });

  it('an APNs that cannot be reached is tried again', async () => {
    const sender = make(
      createApnsSender({
        baseUrl: `http://127.0.0.1:${await freePort()}`,
        keyId: standIn.credentials.apns.keyId,
        teamId: standIn.credentials.apns.teamId,
        privateKey: standIn.credentials.apns.privateKeyPem,
        timeoutMs: 2000,
      }),
    );
    const outcomes = await sender.send([
      outbound('1', { platform: 'apns', token: apnsToken(1) }, 'com.example.inbox'),
    ]);
    expect(outcomes[0]).toMatchObject({ kind: 'retry' });
  });
});

describe('Web Push', () => {
  const webPush = () => make(createWebPushSender({ vapid, allowedOrigins: [standIn.url], timeoutMs: 5000 }));

  it('the browser decrypts what the push service received: the notification, and nothing else', async () => {
    const keys = newBrowserKeys();
    const endpoint = standIn.newWebPushEndpoint();
    const outcomes = await webPush().send([
      outbound('1', {
        platform: 'web',
        subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } },
      }),
    ]);
    expect(outcomes).toEqual([{ kind: 'sent', ref: null }]);
    const [request] = standIn.requests('web');
    expect(request?.headers).toMatchObject({ 'content-encoding': 'aes128gcm', ttl: '3600', urgency: 'high' });
    expect(JSON.parse(decryptWebPush(Buffer.from(request?.body ?? '', 'base64'), keys))).toEqual({
      title: notification.title,
      type: 'message',
      workspaceId: notification.workspaceId,
      conversationId: notification.conversationId,
      messageId: notification.messageId,
      badge: 7,
      path: notification.path,
    });
  });

  it('410 forgets the subscription; 429 is tried again; a push service off the allow-list is never called', async () => {
    const keys = newBrowserKeys();
    const endpoint = standIn.newWebPushEndpoint();
    const subscription = { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
    standIn.inject({ provider: 'web', status: 429 });
    expect(await webPush().send([outbound('1', { platform: 'web', subscription })])).toEqual([
      { kind: 'retry', reason: 'HTTP 429' },
    ]);
    standIn.markUnregistered(endpoint);
    expect(await webPush().send([outbound('1', { platform: 'web', subscription })])).toEqual([
      { kind: 'gone', reason: 'HTTP 410' },
    ]);
    const elsewhere = { ...subscription, endpoint: 'http://127.0.0.1:1/webpush/x' };
    expect(await webPush().send([outbound('2', { platform: 'web', subscription: elsewhere })])).toEqual([
      { kind: 'gone', reason: 'push service not allowed' },
    ]);
    expect(standIn.requests('web')).toHaveLength(2);
  });
});
