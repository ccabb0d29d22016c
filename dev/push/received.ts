// What devices were told, read back from the push stand-in's records: one entry per notification
// a provider accepted, whatever the provider (Web Push bodies decrypted with the browser's keys).
import type { PushStandIn, RecordedRequest } from './stand-in.ts';
import { type BrowserKeys, decryptWebPush } from './web-push-crypto.ts';

export interface Received {
  provider: 'expo' | 'fcm' | 'apns' | 'web';
  /** The device token, or the Web Push endpoint. */
  address: string;
  workspaceId: string;
  conversationId: string;
  messageId: string;
  badge: number;
  title: string;
  receivedAt: number;
  /** Everything the provider received for it, in text (Web Push: the decrypted payload). */
  text: string;
}

export function receivedNotifications(
  standIn: PushStandIn,
  browsers: ReadonlyMap<string, BrowserKeys> = new Map(),
): Received[] {
  return standIn.requests().flatMap((request) => fromRequest(standIn, request, browsers));
}

function fromRequest(
  standIn: PushStandIn,
  request: RecordedRequest,
  browsers: ReadonlyMap<string, BrowserKeys>,
): Received[] {
  const base = { receivedAt: request.receivedAt };
  switch (request.provider) {
    case 'expo': {
      if (request.status !== 200) return [];
      const tickets = (JSON.parse(request.answer) as { data: { status: string }[] }).data;
      const messages = JSON.parse(request.body) as {
        to: string;
        title: string;
        badge: number;
        data: Record<string, string>;
      }[];
      return messages.flatMap((m, i) =>
        tickets[i]?.status === 'ok'
          ? [
              {
                ...base,
                provider: 'expo' as const,
                address: m.to,
                ...fields(m.data),
                badge: m.badge,
                title: m.title,
                text: JSON.stringify(m),
              },
            ]
          : [],
      );
    }
    case 'fcm': {
      if (request.status !== 200) return [];
      const { message } = JSON.parse(request.body) as {
        message: { token: string; data: Record<string, string>; notification: { title: string } };
      };
      return [
        {
          ...base,
          provider: 'fcm',
          address: message.token,
          ...fields(message.data),
          badge: Number(message.data.badge),
          title: message.notification.title,
          text: request.body,
        },
      ];
    }
    case 'apns': {
      if (request.status !== 200) return [];
      const payload = JSON.parse(request.body) as {
        aps: { badge: number; alert: { title: string } };
      } & Record<string, string>;
      return [
        {
          ...base,
          provider: 'apns',
          address: request.path.replace('/3/device/', ''),
          ...fields(payload),
          badge: payload.aps.badge,
          title: payload.aps.alert.title,
          text: request.body,
        },
      ];
    }
    case 'web': {
      if (request.status !== 201) return [];
      const endpoint = `${standIn.url}${request.path}`;
      const keys = browsers.get(endpoint);
      if (!keys) throw new Error(`no keys for ${endpoint}`);
      const text = decryptWebPush(Buffer.from(request.body, 'base64'), keys);
      const payload = JSON.parse(text) as Record<string, string> & { badge: number; title: string };
      return [
        {
          ...base,
          provider: 'web',
          address: endpoint,
          ...fields(payload),
          badge: payload.badge,
          title: payload.title,
          text,
        },
      ];
    }
    default:
      return [];
  }
}

function fields(data: Record<string, unknown>) {
  return {
    workspaceId: String(data.workspaceId),
    conversationId: String(data.conversationId),
    messageId: String(data.messageId),
  };
}
