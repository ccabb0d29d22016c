// Apple Push Notification service over HTTP/2
// (https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns):
// one POST /3/device/<token> per notification, multiplexed on one connection, authenticated by a
// provider token (a JWT signed ES256 with the team's .p8 key, renewed every 30 minutes as Apple
// asks: not more often than every 20, never older than 60). 410 `Unregistered` and 400
// `BadDeviceToken` forget the device; 429, 5xx and an expired provider token are tried again.
import http2 from 'node:http2';
import { importPKCS8, SignJWT } from 'jose';
import { mapLimited } from './http.ts';
import {
  NOTIFICATION_TTL_SECONDS,
  type Outbound,
  type PushSender,
  type SendOutcome,
  senderFailed,
} from './sender.ts';

const PROVIDER_TOKEN_TTL_MS = 30 * 60 * 1000;
/** Streams in flight at once on the connection, per job run (APNs allows many more). */
const CONCURRENCY = 16;

export interface ApnsConfig {
  /** https://api.push.apple.com (or the sandbox); an http:// URL speaks h2c, for the local stand-in. */
  baseUrl: string;
  keyId: string;
  teamId: string;
  privateKey: string;
  timeoutMs: number;
  now?: () => number;
}

export function createApnsSender(config: ApnsConfig): PushSender {
  const now = config.now ?? Date.now;
  let session: http2.ClientHttp2Session | undefined;
  /** Sessions that reached APNs: a stream failing on one that never did sent nothing. */
  const connected = new WeakSet<http2.ClientHttp2Session>();
  let providerToken: { jwt: string; at: number } | undefined;

  async function bearer(): Promise<string> {
    if (providerToken && now() - providerToken.at < PROVIDER_TOKEN_TTL_MS) return providerToken.jwt;
    const key = await importPKCS8(config.privateKey, 'ES256');
    const at = now();
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: config.keyId })
      .setIssuer(config.teamId)
      .setIssuedAt(Math.floor(at / 1000))
      .sign(key);
    providerToken = { jwt, at };
    return jwt;
  }

  function connection(): http2.ClientHttp2Session {
    if (session && !session.closed && !session.destroyed) return session;
    const opened = http2.connect(config.baseUrl);
    // A lost connection fails its streams (each says what became of it); the next call reconnects.
    opened.on('error', () => {});
    opened.on('connect', () => connected.add(opened));
    opened.on('goaway', () => opened.close());
    opened.on('close', () => {
      if (session === opened) session = undefined;
    });
    session = opened;
    return opened;
  }

  function sendOne(item: Outbound, jwt: string): Promise<SendOutcome> {
    const { address, appId } = item;
    if (address.platform === 'web') return Promise.resolve({ kind: 'failed', reason: 'not an APNs token' });
    if (!appId) return Promise.resolve({ kind: 'failed', reason: 'no app id (apns-topic)' });
    const { notification } = item;
    const body = JSON.stringify({
      aps: {
        alert: { title: notification.title },
        badge: notification.badge,
        sound: 'default',
        // The app's notification service extension may fetch what to show, on the device.
        'mutable-content': 1,
        'thread-id': notification.conversationId,
      },
      workspaceId: notification.workspaceId,
      conversationId: notification.conversationId,
      messageId: notification.messageId,
    });
    return new Promise<SendOutcome>((resolve) => {
      let client: http2.ClientHttp2Session;
      try {
        client = connection();
      } catch {
        resolve({ kind: 'retry', reason: 'no connection' });
        return;
      }
      const stream = client.request({
        ':method': 'POST',
        ':path': `/3/device/${address.token}`,
        authorization: `bearer ${jwt}`,
        'apns-topic': appId,
        'apns-push-type': 'alert',
        'apns-priority': '10',
        'apns-expiration': String(Math.floor(now() / 1000) + NOTIFICATION_TTL_SECONDS),
        'apns-collapse-id': notification.conversationId,
        'apns-id': item.idempotencyKey,
        'content-type': 'application/json',
      });
      let status = 0;
      let apnsId: string | null = null;
      const chunks: Buffer[] = [];
      stream.setTimeout(config.timeoutMs, () => {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        resolve({ kind: 'uncertain', reason: 'timeout' });
      });
      stream.on('response', (headers) => {
        status = Number(headers[':status']);
        const id = headers['apns-id'];
        apnsId = typeof id === 'string' ? id : null;
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve(outcomeOf(status, apnsId, Buffer.concat(chunks).toString('utf8'))));
      stream.on('error', (error: NodeJS.ErrnoException) => {
        // On a connection that never opened, the request did not go out: nothing was delivered.
        const reason = error.code ?? 'stream error';
        resolve(connected.has(client) ? { kind: 'uncertain', reason } : { kind: 'retry', reason });
      });
      stream.end(body);
    });
  }

  function outcomeOf(status: number, apnsId: string | null, text: string): SendOutcome {
    if (status === 200) return { kind: 'sent', ref: apnsId };
    let reason = `HTTP ${status}`;
    try {
      const parsed = JSON.parse(text) as { reason?: unknown };
      if (typeof parsed.reason === 'string') reason = parsed.reason;
    } catch {
      // no JSON body: the status says enough
    }
    if (status === 410 || reason === 'BadDeviceToken' || reason === 'Unregistered')
      return { kind: 'gone', reason };
    if (status === 403 && reason === 'ExpiredProviderToken') {
      providerToken = undefined;
      return { kind: 'retry', reason };
    }
    if (status === 429 || status >= 500) return { kind: 'retry', reason };
    return { kind: 'failed', reason };
  }

  return {
    platform: 'apns',
    async send(batch) {
      let jwt: string;
      try {
        jwt = await bearer();
      } catch {
        return batch.map(() => ({ kind: 'failed', reason: 'the APNs key could not sign a provider token' }));
      }
      return mapLimited(batch, CONCURRENCY, (item) => sendOne(item, jwt), senderFailed);
    },
    async close() {
      const open = session;
      session = undefined;
      if (open && !open.closed) await new Promise<void>((resolve) => open.close(() => resolve()));
    },
  };
}
