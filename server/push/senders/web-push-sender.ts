// Web Push (RFC 8030) to browsers: the payload encrypted for the subscription (RFC 8291,
// aes128gcm) and signed for the push service with the app's VAPID key (RFC 8292), both by the
// `web-push` library; the POST itself is ours, with the same bounded wait as every sender, and
// only to push services on the allow-list. 404 and 410 forget the subscription.
import webpush from 'web-push';
import { isAllowedPushEndpoint } from '../web-push-endpoint.ts';
import { callService, isAnswer, isTransientStatus, mapLimited } from './http.ts';
import {
  dataOf,
  NOTIFICATION_TTL_SECONDS,
  type Outbound,
  type PushSender,
  type SendOutcome,
  senderFailed,
} from './sender.ts';

const CONCURRENCY = 8;

export interface WebPushConfig {
  vapid: { publicKey: string; privateKey: string; subject: string };
  allowedOrigins: readonly string[];
  timeoutMs: number;
}

export function createWebPushSender(config: WebPushConfig): PushSender {
  async function sendOne(item: Outbound): Promise<SendOutcome> {
    if (item.address.platform !== 'web') return { kind: 'failed', reason: 'not a Web Push subscription' };
    const { subscription } = item.address;
    // Checked when registered too; the list may have changed since.
    if (!isAllowedPushEndpoint(subscription.endpoint, config.allowedOrigins)) {
      return { kind: 'gone', reason: 'push service not allowed' };
    }
    const { notification } = item;
    const payload = JSON.stringify({
      title: notification.title,
      ...dataOf(notification),
      badge: notification.badge,
    });
    let request: ReturnType<typeof webpush.generateRequestDetails>;
    try {
      request = webpush.generateRequestDetails(subscription, payload, {
        vapidDetails: config.vapid,
        TTL: NOTIFICATION_TTL_SECONDS,
        urgency: 'high',
        // A newer notification of the same conversation replaces one the browser has not fetched yet.
        topic: notification.conversationId.replaceAll('-', ''),
      });
    } catch {
      // Keys the library cannot encrypt for: this subscription will never work.
      return { kind: 'gone', reason: 'unusable subscription keys' };
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    );
    const answer = await callService(
      request.endpoint,
      { method: 'POST', headers, body: new Uint8Array(request.body ?? Buffer.alloc(0)) },
      config.timeoutMs,
    );
    if (!isAnswer(answer)) return answer;
    if (answer.status >= 200 && answer.status < 300) return { kind: 'sent', ref: null };
    const reason = `HTTP ${answer.status}`;
    if (answer.status === 404 || answer.status === 410) return { kind: 'gone', reason };
    if (isTransientStatus(answer.status)) return { kind: 'retry', reason };
    return { kind: 'failed', reason };
  }

  return {
    platform: 'web',
    send: (batch) => mapLimited(batch, CONCURRENCY, sendOne, senderFailed),
    close: async () => {},
  };
}
