// The push services this process can reach, from the environment. A provider without credentials
// is left out, and says so once in the log, naming the variables to set: its devices are skipped
// (their notifications marked FAILED, not retried), never a crash.
import type { Env } from '../../env.ts';
import type { Platform } from '../push.schemas.ts';
import { createApnsSender } from './apns-sender.ts';
import { createExpoSender } from './expo-sender.ts';
import { createFcmSender, ServiceAccountSchema } from './fcm-sender.ts';
import type { PushSender } from './sender.ts';
import { createWebPushSender } from './web-push-sender.ts';

export interface PushSenders {
  get(platform: Platform): PushSender | undefined;
  /** Why a platform has no sender (for the log line, and the job's FAILED reason). */
  missing(platform: Platform): string | undefined;
  /** The VAPID public key browsers subscribe with, when Web Push is configured. */
  vapidPublicKey: string | null;
  close(): Promise<void>;
}

export function createPushSenders(env: Env, log: (line: string) => void = console.warn): PushSenders {
  const senders = new Map<Platform, PushSender>();
  const missing = new Map<Platform, string>();
  const timeoutMs = env.PUSH_TIMEOUT_MS;

  senders.set(
    'expo',
    createExpoSender({ baseUrl: env.PUSH_EXPO_URL, accessToken: env.PUSH_EXPO_ACCESS_TOKEN, timeoutMs }),
  );

  if (env.PUSH_FCM_SERVICE_ACCOUNT) {
    const account = parseServiceAccount(env.PUSH_FCM_SERVICE_ACCOUNT);
    if (account) {
      senders.set(
        'fcm',
        createFcmSender({
          baseUrl: env.PUSH_FCM_URL,
          tokenUrl: env.PUSH_FCM_TOKEN_URL,
          serviceAccount: account,
          timeoutMs,
        }),
      );
    } else missing.set('fcm', 'PUSH_FCM_SERVICE_ACCOUNT is not a service account JSON key');
  } else missing.set('fcm', 'PUSH_FCM_SERVICE_ACCOUNT is not set');

  if (env.PUSH_APNS_KEY_ID && env.PUSH_APNS_TEAM_ID && env.PUSH_APNS_PRIVATE_KEY) {
    senders.set(
      'apns',
      createApnsSender({
        baseUrl: env.PUSH_APNS_URL,
        keyId: env.PUSH_APNS_KEY_ID,
        teamId: env.PUSH_APNS_TEAM_ID,
        privateKey: env.PUSH_APNS_PRIVATE_KEY,
        timeoutMs,
      }),
    );
  } else missing.set('apns', 'PUSH_APNS_KEY_ID, PUSH_APNS_TEAM_ID and PUSH_APNS_PRIVATE_KEY are not all set');

  const vapid =
    env.PUSH_VAPID_PUBLIC_KEY && env.PUSH_VAPID_PRIVATE_KEY && env.PUSH_VAPID_SUBJECT
      ? {
          publicKey: env.PUSH_VAPID_PUBLIC_KEY,
          privateKey: env.PUSH_VAPID_PRIVATE_KEY,
          subject: env.PUSH_VAPID_SUBJECT,
        }
      : undefined;
  if (vapid) {
    senders.set(
      'web',
      createWebPushSender({ vapid, allowedOrigins: env.PUSH_WEB_ENDPOINT_ORIGINS, timeoutMs }),
    );
  } else
    missing.set(
      'web',
      'PUSH_VAPID_PUBLIC_KEY, PUSH_VAPID_PRIVATE_KEY and PUSH_VAPID_SUBJECT are not all set',
    );

  const told = new Set<Platform>();
  return {
    get: (platform) => senders.get(platform),
    missing(platform) {
      const reason = missing.get(platform);
      if (reason && !told.has(platform)) {
        told.add(platform);
        log(`push: ${platform} notifications are skipped: ${reason}`);
      }
      return reason;
    },
    vapidPublicKey: vapid?.publicKey ?? null,
    async close() {
      await Promise.all([...senders.values()].map((sender) => sender.close()));
    },
  };
}

/** The key as downloaded (JSON), or base64 of it (easier in some secret stores). */
function parseServiceAccount(value: string) {
  for (const text of [value, Buffer.from(value, 'base64').toString('utf8')]) {
    try {
      const parsed = ServiceAccountSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // not this form
    }
  }
  return undefined;
}
