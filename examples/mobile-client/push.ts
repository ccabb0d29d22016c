// Push notifications: the phone's Expo push token registered with the API, and what a
// notification carries. A notification says that something happened, never what (no words, no
// customer's name pass through Apple's, Google's or Expo's servers): the workspace, the
// conversation, the message's id, the badge. The app fetches the message itself
// (InboxSync.openNotification). The server sends only to devices whose Auth session is alive, so
// signing out silences the phone; unregister as well, to forget it at once.
import type { Api, RouterOutputs } from './api.ts';

export type Device = RouterOutputs['devices']['register'];

/**
 * Registers the phone (expo-notifications' `getExpoPushTokenAsync().data`). Call it at every
 * start once signed in: it is idempotent, and a token a colleague registered on a shared phone
 * moves to whoever calls. Keep the device id it returns, to unregister.
 */
export function registerForPush(
  api: Api,
  device: { token: string; appId?: string; label?: string },
): Promise<Device> {
  return api.devices.register.mutate({ platform: 'expo', ...device });
}

/** Stops notifications to this phone (before signing out, or when the operator turns them off). */
export async function unregisterFromPush(api: Api, deviceId: string): Promise<void> {
  await api.devices.unregister.mutate({ deviceId });
}

/** What a notification of a new message carries (expo-notifications: `request.content.data`). */
export interface MessageNotification {
  workspaceId: string;
  conversationId: string;
  messageId: string;
  /** The operator's unread count over all their workspaces, for the app icon. */
  badge: number;
}

/** The notification's data, if it is one of a new message; null for anything else. */
export function messageNotification(data: unknown): MessageNotification | null {
  if (typeof data !== 'object' || data === null) return null;
  const { type, workspaceId, conversationId, messageId, badge } = data as Record<string, unknown>;
  if (type !== 'message') return null;
  if (
    typeof workspaceId !== 'string' ||
    typeof conversationId !== 'string' ||
    typeof messageId !== 'string'
  ) {
    return null;
  }
  return { workspaceId, conversationId, messageId, badge: Number(badge) || 0 };
}
