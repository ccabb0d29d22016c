// The push slice: operators' devices, what they want to hear about, and the push job that tells
// their phones and browsers of a customer's new message (decision 024).
// Other code imports only this file (see docs/architecture.md).
export { listDevices, registerDevice, unregisterDevice } from './devices.ts';
export { expoReceiptsJob } from './expo-receipts.job.ts';
export { readExpoReceipts } from './expo-receipts.ts';
export { notifyNewMessageJob } from './notify-new-message.job.ts';
export { conversationPath, deliveryKey, type NotifyReport, notifyNewMessage } from './notify-new-message.ts';
export { muteConversation, readPreferences, unmuteConversation, updatePreferences } from './preferences.ts';
export { pruneDeliveriesJob } from './prune-deliveries.job.ts';
export {
  ConversationInput,
  DeviceSchema,
  NotifySchema,
  PreferencesSchema,
  RegisterDeviceInput,
  UnregisterDeviceInput,
  WebPushConfigSchema,
  WebPushSubscriptionSchema,
} from './push.schemas.ts';
export { newMessageCollector } from './queue-notifications.ts';
export { rotateDeviceTokenKeys } from './rotate-device-keys.ts';
export { createPushSenders, type PushSenders } from './senders/create-senders.ts';
export type { PushNotification } from './senders/sender.ts';
