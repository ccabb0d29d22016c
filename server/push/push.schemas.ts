// What the devices and notifications APIs take and give, for web and mobile clients alike.
// A device's token is taken once, at registration, and never given back.
import { z } from 'zod';

const Label = z.string().trim().min(1).max(80).optional();
/** The app a token was issued to: the iOS bundle id (APNs' topic), the Android package, the Expo project. */
const AppId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,154}$/, 'must be a bundle id or package name like com.example.inbox');

/** An Expo push token, as `getExpoPushTokenAsync` gives it. */
const ExpoToken = z
  .string()
  .regex(/^(Exponent|Expo)PushToken\[[A-Za-z0-9_-]{10,200}\]$/, 'must be an ExponentPushToken[…]');
/** An APNs device token: 32 bytes (or more, Apple allows for growth) in hex. */
const ApnsToken = z.string().regex(/^[0-9a-fA-F]{64,200}$/, 'must be the APNs device token in hex');
/** An FCM registration token. */
const FcmToken = z.string().regex(/^[A-Za-z0-9_:.-]{20,4096}$/, 'must be an FCM registration token');

const base64url = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url')
    .refine((value) => Buffer.from(value, 'base64url').length === bytes, `must be ${bytes} bytes`);

/** A browser's PushSubscription, as `subscription.toJSON()` gives it. */
export const WebPushSubscriptionSchema = z.object({
  endpoint: z.url({ protocol: /^https?$/, error: 'must be the subscription endpoint URL' }).max(2048),
  keys: z.object({
    /** The browser's P-256 public key, uncompressed (65 bytes). */
    p256dh: base64url(65),
    /** The 16-byte authentication secret. */
    auth: base64url(16),
  }),
});
export type WebPushSubscription = z.infer<typeof WebPushSubscriptionSchema>;

export const RegisterDeviceInput = z.discriminatedUnion('platform', [
  z.object({ platform: z.literal('expo'), token: ExpoToken, appId: AppId.optional(), label: Label }),
  z.object({ platform: z.literal('apns'), token: ApnsToken, appId: AppId, label: Label }),
  z.object({ platform: z.literal('fcm'), token: FcmToken, appId: AppId.optional(), label: Label }),
  z.object({ platform: z.literal('web'), subscription: WebPushSubscriptionSchema, label: Label }),
]);
export type RegisterDevice = z.infer<typeof RegisterDeviceInput>;

export const PlatformSchema = z.enum(['expo', 'apns', 'fcm', 'web']);
export type Platform = z.infer<typeof PlatformSchema>;

/** A registered device as its owner sees it: never its token. */
export const DeviceSchema = z.object({
  id: z.uuid(),
  platform: PlatformSchema,
  appId: z.string().nullable(),
  label: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
});
export type Device = z.infer<typeof DeviceSchema>;

export const UnregisterDeviceInput = z.union([
  z.object({ deviceId: z.uuid() }),
  /** A browser knows its subscription, not the device id the server gave it. */
  z.object({ endpoint: WebPushSubscriptionSchema.shape.endpoint }),
]);

export const NotifySchema = z.enum(['all', 'assigned', 'none']);
export type Notify = z.infer<typeof NotifySchema>;

export const PreferencesSchema = z.object({
  /**
   * all: new customer messages in unassigned conversations and in those assigned to me;
   * assigned: only those assigned to me; none: nothing from this workspace.
   */
  notify: NotifySchema,
  /** Conversations I muted in this workspace. */
  mutedConversationIds: z.array(z.uuid()),
});
export type Preferences = z.infer<typeof PreferencesSchema>;

export const ConversationInput = z.object({ conversationId: z.uuid() });

export const WebPushConfigSchema = z.object({
  /** The VAPID public key for `pushManager.subscribe`'s applicationServerKey; null when not configured. */
  vapidPublicKey: z.string().nullable(),
});
