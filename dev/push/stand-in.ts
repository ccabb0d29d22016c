// The push services, as far as the app can tell: a local stand-in for `npm start`, tests and
// benchmarks, like the Meta simulator. One HTTP/1.1 server answers Expo's push API
// (/--/api/v2/push/send), FCM HTTP v1 (/v1/projects/{p}/messages:send) with its OAuth token
// endpoint (/token), Web Push endpoints (/webpush/{id}) and a control API (/control/...); an h2c
// (HTTP/2 without TLS) server answers APNs' POST /3/device/{token}. Each checks what the real
// service checks (signatures, headers, sizes) and answers in its documented shapes; every
// request is recorded; tests mark tokens unregistered and inject 5xx or 429 answers.
import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, importJWK, importSPKI, jwtVerify } from 'jose';
import {
  jsonResponse,
  parseBody,
  type Route,
  type SimRequest,
  type SimResponse,
  startHttpServer,
} from '../meta/http.ts';
import {
  newPushCredentials,
  type PushCredentials,
  serviceAccountJson,
  type VapidKeys,
} from './credentials.ts';

export type Provider = 'expo' | 'expo-receipts' | 'fcm' | 'fcm-token' | 'apns' | 'web';

export interface RecordedRequest {
  seq: number;
  provider: Provider;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The body as received: UTF-8 text, or base64 for Web Push's encrypted bytes. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /** The status the stand-in answered, and its body (Expo's tickets, APNs' reason). */
  status: number;
  answer: string;
  /** When it arrived (performance.timeOrigin + performance.now(), in ms). */
  receivedAt: number;
}

export interface FaultSpec {
  provider: Exclude<Provider, 'fcm-token' | 'expo-receipts'>;
  /** 429 or a 5xx (or any status the provider documents). */
  status: number;
  /** How many of the next requests to that provider get it (default 1). */
  count?: number;
}

export interface PushStandIn {
  /** Base of the HTTP/1.1 services: Expo, FCM, its token endpoint, Web Push, control. */
  url: string;
  /** The APNs endpoint (h2c): use in place of https://api.push.apple.com. */
  apnsUrl: string;
  credentials: PushCredentials;
  /** A Web Push endpoint of the stand-in for a new browser subscription. */
  newWebPushEndpoint(): string;
  /** The environment the app needs to send through the stand-in (VAPID keys are the app's own). */
  env(vapid?: VapidKeys): Record<string, string>;
  requests(provider?: Provider): RecordedRequest[];
  /** The device token (or the Web Push endpoint) is no longer registered: 410/404/DeviceNotRegistered. */
  markUnregistered(token: string): void;
  inject(fault: FaultSpec): void;
  /** Requests to the provider wait for an answer (a hung service) until the returned release. */
  hold(provider: FaultSpec['provider']): () => void;
  reset(): void;
  stop(): Promise<void>;
}

const EXPO_TOKEN = /^(Exponent|Expo)PushToken\[[A-Za-z0-9_-]+\]$/;
const APNS_PUSH_TYPES = new Set([
  'alert',
  'background',
  'voip',
  'complication',
  'fileprovider',
  'mdm',
  'location',
  'liveactivity',
  'pushtotalk',
]);
const MAX_APNS_PAYLOAD = 4096;
const MAX_WEB_PUSH_PAYLOAD = 4096;

export async function startPushStandIn(
  options: { port?: number; apnsPort?: number } = {},
): Promise<PushStandIn> {
  const credentials = newPushCredentials();
  const fcmPublicKey = await importSPKI(credentials.fcm.publicKeyPem, 'RS256');
  const apnsPublicKey = await importSPKI(credentials.apns.publicKeyPem, 'ES256');
  const records: RecordedRequest[] = [];
  const unregistered = new Set<string>();
  const faults: { provider: FaultSpec['provider']; status: number; left: number }[] = [];
  const accessTokens = new Set<string>();
  /** Releases of holds made through the control API. */
  const releases = new Map<FaultSpec['provider'], () => void>();
  let seq = 0;
  let messageSeq = 0;
  let url = '';

  const now = () => performance.timeOrigin + performance.now();

  /** Recorded as it arrives (status 0 until answered), so a held request is seen at once. */
  function record(
    provider: Provider,
    request: { method: string; path: string; headers: Record<string, string>; body: Buffer },
    receivedAt: number,
  ): RecordedRequest {
    const binary = provider === 'web';
    const entry: RecordedRequest = {
      seq: ++seq,
      provider,
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body.toString(binary ? 'base64' : 'utf8'),
      bodyEncoding: binary ? 'base64' : 'utf8',
      status: 0,
      answer: '',
      receivedAt,
    };
    records.push(entry);
    return entry;
  }

  /** Providers whose answers wait (a slow or hung service), until released. */
  const holds = new Map<FaultSpec['provider'], { until: Promise<void>; release(): void }>();
  const held = (provider: Provider) => holds.get(provider as FaultSpec['provider'])?.until;
  /** Expo's tickets, for their receipts: the token each went to. */
  const tickets = new Map<string, string>();

  function takeFault(provider: FaultSpec['provider']): number | undefined {
    const fault = faults.find((f) => f.provider === provider && f.left > 0);
    if (!fault) return undefined;
    fault.left -= 1;
    return fault.status;
  }

  const flatHeaders = (headers: SimRequest['headers']) =>
    Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]),
    );

  /** Runs `answer` and records the request with the status it got. */
  const recorded =
    (provider: Provider, answer: (request: SimRequest) => Promise<SimResponse> | SimResponse) =>
    async (request: SimRequest): Promise<SimResponse> => {
      const entry = record(
        provider,
        {
          method: request.method,
          path: request.url.pathname,
          headers: flatHeaders(request.headers),
          body: request.body,
        },
        now(),
      );
      await held(provider);
      const response = await answer(request);
      entry.status = response.status;
      entry.answer = response.body ?? '';
      return response;
    };

  // -- Expo ------------------------------------------------------------------------------------
  const expo = recorded('expo', (request) => {
    const fault = takeFault('expo');
    if (fault) {
      const code = fault === 429 ? 'RATE_LIMIT_EXCEEDED' : 'INTERNAL_SERVER_ERROR';
      return jsonResponse(fault, { errors: [{ code, message: `stand-in fault ${fault}` }] });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body.toString('utf8'));
    } catch {
      return jsonResponse(400, { errors: [{ code: 'VALIDATION_ERROR', message: 'body is not JSON' }] });
    }
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    if (messages.length > 100) {
      return jsonResponse(400, {
        errors: [
          {
            code: 'PUSH_TOO_MANY_NOTIFICATIONS',
            message: 'You are trying to send more than 100 push notifications in one request',
          },
        ],
      });
    }
    const data = messages.map((message: { to?: unknown }) => {
      const to = typeof message?.to === 'string' ? message.to : '';
      if (!EXPO_TOKEN.test(to) || unregistered.has(to)) {
        return {
          status: 'error',
          message: `"${to}" is not a registered push notification recipient`,
          details: { error: 'DeviceNotRegistered', expoPushToken: to },
        };
      }
      const id = randomUUID();
      tickets.set(id, to);
      return { status: 'ok', id };
    });
    return jsonResponse(200, { data });
  });

  // A receipt says whether Apple or Google took the notification: a token unregistered since the
  // ticket was given is learned here, as Expo reports it.
  const expoReceipts = recorded('expo-receipts', (request) => {
    const { ids } = parseBody(request) as { ids?: unknown };
    if (!Array.isArray(ids) || ids.length > 1000) {
      return jsonResponse(400, {
        errors: [{ code: 'VALIDATION_ERROR', message: 'ids must be at most 1000' }],
      });
    }
    const data: Record<string, unknown> = {};
    for (const id of ids) {
      const token = typeof id === 'string' ? tickets.get(id) : undefined;
      if (token === undefined) continue;
      data[id] = unregistered.has(token)
        ? {
            status: 'error',
            message: `"${token}" is not a registered push notification recipient`,
            details: { error: 'DeviceNotRegistered' },
          }
        : { status: 'ok' };
    }
    return jsonResponse(200, { data });
  });

  // -- FCM: OAuth token endpoint and HTTP v1 send -----------------------------------------------
  const fcmToken = recorded('fcm-token', async (request) => {
    const form = parseBody(request);
    if (
      form.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' ||
      typeof form.assertion !== 'string'
    ) {
      return jsonResponse(400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' });
    }
    try {
      const header = decodeProtectedHeader(form.assertion);
      if (header.kid !== credentials.fcm.privateKeyId) throw new Error('unknown key id');
      const { payload } = await jwtVerify(form.assertion, fcmPublicKey, {
        issuer: credentials.fcm.clientEmail,
        audience: `${url}/token`,
        algorithms: ['RS256'],
        maxTokenAge: '1h',
      });
      if (
        !String(payload.scope ?? '')
          .split(' ')
          .includes('https://www.googleapis.com/auth/firebase.messaging')
      ) {
        throw new Error('missing scope');
      }
    } catch {
      return jsonResponse(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    }
    const token = `ya29.stand-in.${randomUUID()}`;
    accessTokens.add(token);
    return jsonResponse(200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
  });

  const fcmError = (status: number, code: string, errorCode?: string) =>
    jsonResponse(status, {
      error: {
        code: status,
        message: code,
        status: code,
        ...(errorCode
          ? { details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] }
          : {}),
      },
    });

  const fcmSend = recorded('fcm', (request) => {
    const project = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(request.url.pathname)?.[1];
    const bearer = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    if (!bearer || !accessTokens.has(bearer))
      return fcmError(401, 'UNAUTHENTICATED', 'THIRD_PARTY_AUTH_ERROR');
    if (project !== credentials.fcm.projectId)
      return fcmError(403, 'PERMISSION_DENIED', 'SENDER_ID_MISMATCH');
    const fault = takeFault('fcm');
    if (fault) {
      return fault === 429
        ? fcmError(429, 'RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED')
        : fcmError(
            fault,
            fault === 503 ? 'UNAVAILABLE' : 'INTERNAL',
            fault === 503 ? 'UNAVAILABLE' : 'INTERNAL',
          );
    }
    let message: { token?: unknown; data?: Record<string, unknown> };
    try {
      message = (JSON.parse(request.body.toString('utf8')) as { message: typeof message }).message;
    } catch {
      return fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    }
    if (typeof message?.token !== 'string' || message.token.length === 0) {
      return fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    }
    // FCM's data map takes strings only.
    if (message.data && Object.values(message.data).some((v) => typeof v !== 'string')) {
      return fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    }
    if (unregistered.has(message.token)) return fcmError(404, 'NOT_FOUND', 'UNREGISTERED');
    messageSeq += 1;
    return jsonResponse(200, { name: `projects/${project}/messages/0:${Date.now()}%${messageSeq}` });
  });

  // -- Web Push (RFC 8030, VAPID RFC 8292, aes128gcm RFC 8291) ---------------------------------
  const web = recorded('web', async (request) => {
    const id = request.url.pathname.slice('/webpush/'.length);
    const endpoint = `${url}/webpush/${id}`;
    const fault = takeFault('web');
    if (fault) return { status: fault, body: '' };
    if (!request.headers.ttl || !/^\d+$/.test(String(request.headers.ttl))) {
      return { status: 400, body: 'TTL header required' };
    }
    if (request.headers['content-encoding'] !== 'aes128gcm')
      return { status: 415, body: 'aes128gcm required' };
    if (request.body.length > MAX_WEB_PUSH_PAYLOAD) return { status: 413, body: 'payload too large' };
    const vapid = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(
      String(request.headers.authorization ?? ''),
    );
    if (!vapid?.[1] || !vapid[2]) return { status: 401, body: 'VAPID authorization required' };
    try {
      const key = await importRawP256(vapid[2]);
      const { payload } = await jwtVerify(vapid[1], key, { audience: url, algorithms: ['ES256'] });
      if (typeof payload.sub !== 'string' || !/^(mailto:|https:)/.test(payload.sub)) throw new Error('sub');
      if (!payload.exp || payload.exp > Date.now() / 1000 + 24 * 3600) throw new Error('exp');
    } catch {
      return { status: 403, body: 'invalid VAPID signature' };
    }
    if (unregistered.has(endpoint)) return { status: 410, body: 'subscription expired' };
    messageSeq += 1;
    return { status: 201, headers: { Location: `${url}/webpush/message/${messageSeq}` }, body: '' };
  });

  // -- Control -----------------------------------------------------------------------------------
  const control: Route = (request) => {
    const path = request.url.pathname;
    if (request.method === 'GET' && path === '/control/sent') {
      const provider = request.url.searchParams.get('provider') as Provider | null;
      return jsonResponse(200, { requests: api.requests(provider ?? undefined) });
    }
    if (request.method === 'POST' && path === '/control/unregistered') {
      const { token } = parseBody(request);
      if (typeof token !== 'string') return jsonResponse(400, { error: 'token required' });
      api.markUnregistered(token);
      return jsonResponse(200, { ok: true });
    }
    if (request.method === 'POST' && (path === '/control/hold' || path === '/control/release')) {
      const { provider } = parseBody(request) as { provider?: FaultSpec['provider'] };
      if (!provider || !['expo', 'fcm', 'apns', 'web'].includes(provider)) {
        return jsonResponse(400, { error: 'provider required' });
      }
      if (path === '/control/hold') releases.set(provider, api.hold(provider));
      else releases.get(provider)?.();
      return jsonResponse(200, { ok: true });
    }
    if (request.method === 'POST' && path === '/control/faults') {
      const body = parseBody(request) as Partial<FaultSpec>;
      if (!body.provider || typeof body.status !== 'number') {
        return jsonResponse(400, { error: 'provider and status required' });
      }
      api.inject({ provider: body.provider, status: body.status, count: body.count });
      return jsonResponse(200, { ok: true });
    }
    if (request.method === 'POST' && path === '/control/reset') {
      api.reset();
      return jsonResponse(200, { ok: true });
    }
    return undefined;
  };

  const routes: Route[] = [
    control,
    (request) =>
      request.method === 'POST' && request.url.pathname === '/--/api/v2/push/getReceipts'
        ? expoReceipts(request)
        : undefined,
    (request) =>
      request.method === 'POST' && request.url.pathname === '/--/api/v2/push/send'
        ? expo(request)
        : undefined,
    (request) =>
      request.method === 'POST' && request.url.pathname === '/token' ? fcmToken(request) : undefined,
    (request) =>
      request.method === 'POST' && request.url.pathname.startsWith('/v1/projects/')
        ? fcmSend(request)
        : undefined,
    (request) =>
      request.method === 'POST' && /^\/webpush\/[A-Za-z0-9_-]+$/.test(request.url.pathname)
        ? web(request)
        : undefined,
  ];
  const server = await startHttpServer(options.port ?? 0, () => routes);
  url = server.url;

  // -- APNs over h2c --------------------------------------------------------------------------
  const apns = http2.createServer();
  apns.on('stream', (stream, headers) => {
    const receivedAt = now();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', async () => {
      const body = Buffer.concat(chunks);
      const entry = record(
        'apns',
        {
          method: String(headers[':method']),
          path: String(headers[':path']),
          headers: Object.fromEntries(
            Object.entries(headers)
              .filter(([k]) => !k.startsWith(':'))
              .map(([k, v]) => [k, String(v)]),
          ),
          body,
        },
        receivedAt,
      );
      await held('apns');
      const answer = await answerApns(headers, body);
      const apnsId = String(headers['apns-id'] ?? randomUUID());
      const reply = answer.reason
        ? JSON.stringify({
            reason: answer.reason,
            ...(answer.status === 410 ? { timestamp: Date.now() } : {}),
          })
        : undefined;
      entry.status = answer.status;
      entry.answer = reply ?? '';
      if (stream.destroyed) return;
      stream.respond({
        ':status': answer.status,
        'apns-id': apnsId,
        ...(reply ? { 'content-type': 'application/json' } : {}),
      });
      stream.end(reply);
    });
  });
  apns.on('sessionError', () => {});

  async function answerApns(
    headers: http2.IncomingHttpHeaders,
    body: Buffer,
  ): Promise<{ status: number; reason?: string }> {
    if (headers[':method'] !== 'POST') return { status: 405, reason: 'MethodNotAllowed' };
    const token = /^\/3\/device\/([^/]+)$/.exec(String(headers[':path']))?.[1];
    if (!token) return { status: 404, reason: 'BadPath' };
    const jwt = /^bearer (.+)$/.exec(String(headers.authorization ?? ''))?.[1];
    if (!jwt) return { status: 403, reason: 'MissingProviderToken' };
    try {
      const header = decodeProtectedHeader(jwt);
      if (header.kid !== credentials.apns.keyId) return { status: 403, reason: 'InvalidProviderToken' };
      await jwtVerify(jwt, apnsPublicKey, { issuer: credentials.apns.teamId, algorithms: ['ES256'] });
      const { iat } = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        iat?: number;
      };
      if (!iat || Date.now() / 1000 - iat > 3600) return { status: 403, reason: 'ExpiredProviderToken' };
    } catch {
      return { status: 403, reason: 'InvalidProviderToken' };
    }
    if (!headers['apns-topic']) return { status: 400, reason: 'MissingTopic' };
    const pushType = String(headers['apns-push-type'] ?? '');
    if (!APNS_PUSH_TYPES.has(pushType)) return { status: 400, reason: 'InvalidPushType' };
    const fault = takeFault('apns');
    if (fault) {
      const reason =
        fault === 429 ? 'TooManyRequests' : fault === 503 ? 'ServiceUnavailable' : 'InternalServerError';
      return { status: fault, reason };
    }
    if (!/^[0-9a-f]{64,200}$/i.test(token)) return { status: 400, reason: 'BadDeviceToken' };
    if (body.length === 0) return { status: 400, reason: 'PayloadEmpty' };
    if (body.length > MAX_APNS_PAYLOAD) return { status: 413, reason: 'PayloadTooLarge' };
    try {
      const payload = JSON.parse(body.toString('utf8')) as { aps?: unknown };
      if (typeof payload.aps !== 'object' || payload.aps === null)
        return { status: 400, reason: 'BadPayload' };
    } catch {
      return { status: 400, reason: 'BadPayload' };
    }
    if (unregistered.has(token)) return { status: 410, reason: 'Unregistered' };
    return { status: 200 };
  }

  await new Promise<void>((resolve, reject) => {
    apns.once('error', reject);
    apns.listen(options.apnsPort ?? 0, '127.0.0.1', () => resolve());
  });
  const apnsUrl = `http://127.0.0.1:${(apns.address() as AddressInfo).port}`;

  const api: PushStandIn = {
    url,
    apnsUrl,
    credentials,
    newWebPushEndpoint: () => `${url}/webpush/${randomUUID().replaceAll('-', '')}`,
    env(vapid) {
      return {
        PUSH_EXPO_URL: url,
        PUSH_FCM_URL: url,
        PUSH_FCM_TOKEN_URL: `${url}/token`,
        PUSH_FCM_SERVICE_ACCOUNT: serviceAccountJson(credentials.fcm),
        PUSH_APNS_URL: apnsUrl,
        PUSH_APNS_KEY_ID: credentials.apns.keyId,
        PUSH_APNS_TEAM_ID: credentials.apns.teamId,
        PUSH_APNS_PRIVATE_KEY: credentials.apns.privateKeyPem,
        PUSH_WEB_ENDPOINT_ORIGINS: url,
        ...(vapid
          ? {
              PUSH_VAPID_PUBLIC_KEY: vapid.publicKey,
              PUSH_VAPID_PRIVATE_KEY: vapid.privateKey,
              PUSH_VAPID_SUBJECT: vapid.subject,
            }
          : {}),
      };
    },
    requests: (provider) =>
      records.filter((r) => !provider || r.provider === provider).map((r) => ({ ...r })),
    markUnregistered: (token) => {
      unregistered.add(token);
    },
    inject: (fault) => {
      faults.push({ provider: fault.provider, status: fault.status, left: fault.count ?? 1 });
    },
    hold(provider) {
      let release = () => {};
      const until = new Promise<void>((resolve) => {
        release = resolve;
      });
      const entry = {
        until,
        release: () => {
          release();
          if (holds.get(provider) === entry) holds.delete(provider);
        },
      };
      holds.set(provider, entry);
      return entry.release;
    },
    reset() {
      for (const hold of [...holds.values()]) hold.release();
      records.length = 0;
      tickets.clear();
      faults.length = 0;
      unregistered.clear();
    },
    async stop() {
      for (const hold of [...holds.values()]) hold.release();
      await server.close();
      await new Promise<void>((resolve) => {
        apns.close(() => resolve());
        // Open client sessions would hold close() forever.
        for (const session of sessions) session.destroy();
      });
    },
  };
  const sessions = new Set<http2.ServerHttp2Session>();
  apns.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  return api;
}

/** A VAPID `k` parameter (uncompressed P-256 point, base64url) as a verification key. */
async function importRawP256(k: string) {
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('not an uncompressed P-256 key');
  return importJWK(
    {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    'ES256',
  );
}
