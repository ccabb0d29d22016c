// Firebase Cloud Messaging, HTTP v1 (https://firebase.google.com/docs/cloud-messaging/send/v1-api):
// one POST per message to /v1/projects/{project}/messages:send with an OAuth access token, which
// the service account gets by signing a JWT assertion (RS256) and exchanging it at the token
// endpoint (RFC 7523). `UNREGISTERED` (404) forgets the device; 429 and 5xx are tried again.
import { importPKCS8, SignJWT } from 'jose';
import { z } from 'zod';
import { callService, type HttpAnswer, isAnswer, isTransientStatus, mapLimited, parseJson } from './http.ts';
import {
  dataOf,
  NOTIFICATION_TTL_SECONDS,
  type Outbound,
  type PushSender,
  type SendOutcome,
  senderFailed,
} from './sender.ts';

const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** Calls in flight at once per job run. */
const CONCURRENCY = 8;

export const ServiceAccountSchema = z.object({
  type: z.literal('service_account'),
  project_id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  private_key_id: z.string().min(1),
  private_key: z.string().includes('PRIVATE KEY'),
  client_email: z.email(),
});
export type ServiceAccount = z.infer<typeof ServiceAccountSchema>;

export interface FcmConfig {
  baseUrl: string;
  tokenUrl: string;
  serviceAccount: ServiceAccount;
  timeoutMs: number;
  now?: () => number;
}

const TokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
});
const SentSchema = z.object({ name: z.string() });
const ErrorSchema = z.object({
  error: z.object({
    status: z.string().optional(),
    details: z.array(z.object({ errorCode: z.string().optional() }).loose()).optional(),
  }),
});

/** Google's error code for a failed send: the FcmError detail if given, else the status. */
function errorCodeOf(answer: HttpAnswer): string {
  const parsed = ErrorSchema.safeParse(parseJson(answer.text));
  if (!parsed.success) return `HTTP ${answer.status}`;
  const { error } = parsed.data;
  return error.details?.find((d) => d.errorCode)?.errorCode ?? error.status ?? `HTTP ${answer.status}`;
}

export function createFcmSender(config: FcmConfig): PushSender {
  const now = config.now ?? Date.now;
  const account = config.serviceAccount;
  const sendUrl = new URL(`/v1/projects/${account.project_id}/messages:send`, config.baseUrl).toString();
  let cached: { token: string; until: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchAccessToken(): Promise<string> {
    const key = await importPKCS8(account.private_key, 'RS256');
    const iat = Math.floor(now() / 1000);
    const assertion = await new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: account.private_key_id })
      .setIssuer(account.client_email)
      .setAudience(config.tokenUrl)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(key);
    const body = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion,
    });
    const answer = await callService(
      config.tokenUrl,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      },
      config.timeoutMs,
    );
    // No notification went out, whatever became of this call: try again later.
    if (!isAnswer(answer)) throw new FcmTokenError(true, answer.reason);
    if (answer.status !== 200) {
      throw new FcmTokenError(
        isTransientStatus(answer.status),
        `token endpoint answered HTTP ${answer.status}`,
      );
    }
    const parsed = TokenAnswerSchema.safeParse(parseJson(answer.text));
    if (!parsed.success) throw new FcmTokenError(false, 'token endpoint gave no access token');
    // Renewed a minute early, so no call goes out with a token about to expire.
    cached = { token: parsed.data.access_token, until: now() + (parsed.data.expires_in - 60) * 1000 };
    return cached.token;
  }

  function accessToken(): Promise<string> {
    if (cached && cached.until > now()) return Promise.resolve(cached.token);
    pending ??= fetchAccessToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  async function sendOne(item: Outbound, token: string): Promise<SendOutcome> {
    if (item.address.platform === 'web') return { kind: 'failed', reason: 'not an FCM token' };
    const { notification } = item;
    const body = JSON.stringify({
      message: {
        token: item.address.token,
        data: dataOf(notification),
        notification: { title: notification.title },
        android: {
          priority: 'HIGH',
          ttl: `${NOTIFICATION_TTL_SECONDS}s`,
          // One notification per conversation in the tray: a newer one replaces it.
          notification: { tag: notification.conversationId, notification_count: notification.badge },
        },
        apns: { payload: { aps: { badge: notification.badge, 'mutable-content': 1 } } },
      },
    });
    const answer = await callService(
      sendUrl,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body,
      },
      config.timeoutMs,
    );
    if (!isAnswer(answer)) return answer;
    if (answer.status === 200) {
      // Accepted, whatever the body says: an answer without the message's name is still a send.
      const sent = SentSchema.safeParse(parseJson(answer.text));
      return { kind: 'sent', ref: sent.success ? sent.data.name : null };
    }
    const code = errorCodeOf(answer);
    if (answer.status === 404 || code === 'UNREGISTERED') return { kind: 'gone', reason: code };
    if (answer.status === 401) {
      cached = undefined; // revoked or expired early: the next run gets a new one
      return { kind: 'retry', reason: code };
    }
    if (isTransientStatus(answer.status)) return { kind: 'retry', reason: code };
    return { kind: 'failed', reason: code };
  }

  return {
    platform: 'fcm',
    async send(batch) {
      let token: string;
      try {
        token = await accessToken();
      } catch (error) {
        const reason = error instanceof Error ? error.message : 'no access token';
        const kind = error instanceof FcmTokenError && !error.transient ? 'failed' : 'retry';
        return batch.map(() => ({ kind, reason }));
      }
      return mapLimited(batch, CONCURRENCY, (item) => sendOne(item, token), senderFailed);
    },
    close: async () => {},
  };
}

class FcmTokenError extends Error {
  constructor(
    readonly transient: boolean,
    message: string,
  ) {
    super(message);
  }
}
