// One interface for every push service: a batch of notifications for devices of one platform in,
// one outcome per notification out, in the same order. A sender never throws for what a provider
// answered; it says what became of each notification.
import type { DeviceAddress } from '../device-token.ts';
import type { Platform } from '../push.schemas.ts';

/** What a notification says: never the message's words nor the customer's name. */
export interface PushNotification {
  /** "New message in <workspace>": the workspace's own name, chosen by its owner. */
  title: string;
  workspaceId: string;
  conversationId: string;
  messageId: string;
  /** The person's unread count (see recipients.repository.ts). */
  badge: number;
  /** Where the web app shows the conversation (a path on the app's own origin). */
  path: string;
}

export interface Outbound {
  deviceId: string;
  address: DeviceAddress;
  /** The app the token was issued to (APNs' topic). */
  appId: string | null;
  notification: PushNotification;
  /** The same for every attempt at this notification to this device (APNs' apns-id). */
  idempotencyKey: string;
}

export type SendOutcome =
  | { kind: 'sent'; ref: string | null }
  /** The token is no longer valid: the device is forgotten. */
  | { kind: 'gone'; reason: string }
  /** Refused for now (5xx, 429, no connection): nothing was delivered; tried again later. */
  | { kind: 'retry'; reason: string }
  /** Refused for good (a bad request, a wrong topic). */
  | { kind: 'failed'; reason: string }
  /** The call failed after the request left: it may have been delivered, so it is not repeated. */
  | {
      kind: 'uncertain';
      reason: string;
      /** What the sender threw (a bug, not a provider's answer), for the job's log. */
      error?: unknown;
    };

/** A notification whose sender threw instead of answering: it may have gone out, so it is not repeated. */
export function senderFailed(error: unknown): SendOutcome {
  return { kind: 'uncertain', reason: 'the sender failed', error };
}

/** What a provider learned later about a notification it accepted (Expo's receipts). */
export type ReceiptOutcome =
  | { kind: 'delivered' }
  | { kind: 'gone'; reason: string }
  | { kind: 'failed'; reason: string };

export interface PushSender {
  platform: Platform;
  send(batch: Outbound[]): Promise<SendOutcome[]>;
  /**
   * For providers that answer with a ticket first (Expo): the receipts of these tickets, by ticket
   * id; a ticket without a receipt yet is left out.
   */
  readReceipts?(refs: string[]): Promise<Map<string, ReceiptOutcome>>;
  close(): Promise<void>;
}

/** The data fields every provider carries, as strings (FCM's data map takes only strings). */
export function dataOf(notification: PushNotification): Record<string, string> {
  return {
    type: 'message',
    workspaceId: notification.workspaceId,
    conversationId: notification.conversationId,
    messageId: notification.messageId,
    badge: String(notification.badge),
    path: notification.path,
  };
}

/** How long a push service should keep trying to reach a device: an hour-old "new message" is noise. */
export const NOTIFICATION_TTL_SECONDS = 3600;
