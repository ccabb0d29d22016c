// The push job: a customer's new message, told to the devices of the members who should hear of
// it (recipients.repository.ts), at most once per device. Deliveries are claimed in one commit,
// the providers called outside any transaction, their answers recorded in another. A device
// whose token the provider no longer knows is forgotten; a transient refusal is retried by the
// queue with backoff (the job throws once the rest is recorded), never resending what was sent.
import { createHash } from 'node:crypto';
import { TokenDecryptionError } from '../crypto/token-cipher.ts';
import type { Database } from '../db/database.ts';
import type { Services } from '../services.ts';
import { claimDeliveries, type DeliveryResult, recordDeliveries } from './deliveries.repository.ts';
import { type DeviceAddress, unsealAddress } from './device-token.ts';
import { forgetDevices } from './devices.repository.ts';
import type { Platform } from './push.schemas.ts';
import { planNotification, type RecipientDevice } from './recipients.repository.ts';
import { type Outbound, type PushNotification, type SendOutcome, senderFailed } from './senders/sender.ts';

export type NotifyServices = Pick<Services, 'db' | 'cipher' | 'push'>;

export interface NewMessageRef {
  workspaceId: string;
  conversationId: string;
  messageId: string;
}

export interface NotifyReport {
  sent: number;
  forgotten: number;
  retrying: number;
  failed: number;
  uncertain: number;
}

/** Thrown after recording, so the queue runs the job again later for what was refused for now. */
export class PushRetryLater extends Error {}

/** The same for every attempt at one message to one device: APNs' apns-id, and the log's key. */
export function deliveryKey(messageId: string, deviceId: string): string {
  const bytes = createHash('sha256').update(`${messageId}:${deviceId}`).digest().subarray(0, 16);
  // A UUID's shape (APNs wants one): version 8 (custom), RFC 9562 variant.
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x80, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Where the web app opens the conversation. */
export function conversationPath(workspaceId: string, conversationId: string): string {
  return `/w/${workspaceId}/inbox/${conversationId}`;
}

export async function notifyNewMessage(
  services: NotifyServices,
  ref: NewMessageRef,
  log: (line: string) => void = console.error,
): Promise<NotifyReport> {
  const report: NotifyReport = { sent: 0, forgotten: 0, retrying: 0, failed: 0, uncertain: 0 };
  const claimed = await services.db.withService(async (trx) => {
    const plan = await planNotification(trx, ref);
    if (!plan || plan.devices.length === 0) return undefined;
    const ids = await claimDeliveries(
      trx,
      ref.messageId,
      plan.devices.map((d) => d.id),
    );
    return { workspaceName: plan.workspaceName, devices: plan.devices.filter((d) => ids.has(d.id)) };
  });
  if (!claimed || claimed.devices.length === 0) return report;

  const unreadable: DeliveryResult[] = [];
  const byPlatform = new Map<Platform, Outbound[]>();
  for (const device of claimed.devices) {
    const address = openAddress(services, device);
    if (address instanceof TokenDecryptionError) {
      // This worker's key ring lacks the key (a bad deploy, a key retired before `tokens:rotate`
      // re-sealed its tokens): the operator's mistake to mend, not the device's. Forgetting it
      // would silence every phone at the first message; it is kept, and this notification given up.
      const key = keyIdOf(services, device.sealedToken);
      unreadable.push({
        deviceId: device.id,
        status: 'FAILED',
        error: `token key ${key}: ${address.message}`,
      });
      log(
        `push: cannot open the token of device ${device.id} (sealed with key ${key}): ${address.message}. ` +
          `Its notification of message ${ref.messageId} is FAILED; the device is kept. ` +
          'Check that key in TOKEN_ENCRYPTION_KEYS.',
      );
      continue;
    }
    const outbound: Outbound = {
      deviceId: device.id,
      address,
      appId: device.appId,
      notification: notificationFor(claimed.workspaceName, ref, device.badge),
      idempotencyKey: deliveryKey(ref.messageId, device.id),
    };
    byPlatform.set(device.platform, [...(byPlatform.get(device.platform) ?? []), outbound]);
  }
  await record(services.db, ref.messageId, unreadable, []);
  report.failed += unreadable.length;

  // Each provider's answers are recorded as soon as they come, so a run that dies while another
  // provider is slow leaves only that provider's deliveries unsettled.
  await Promise.all(
    [...byPlatform].map(async ([platform, batch]) => {
      const results: DeliveryResult[] = [];
      const forgotten: string[] = [];
      const sender = services.push.get(platform);
      if (!sender) {
        const reason = services.push.missing(platform) ?? 'not configured';
        for (const item of batch) results.push({ deviceId: item.deviceId, status: 'FAILED', error: reason });
      } else {
        // A sender that throws (a bug, not a provider's answer) may have sent some: none is repeated.
        const outcomes = await sender
          .send(batch)
          .catch((error: unknown) => batch.map(() => senderFailed(error)));
        logSenderErrors(log, platform, ref.messageId, batch, outcomes);
        batch.forEach((item, i) => {
          const outcome: SendOutcome = outcomes[i] ?? { kind: 'uncertain', reason: 'no outcome' };
          if (outcome.kind === 'gone') forgotten.push(item.deviceId);
          else results.push(resultOf(item.deviceId, outcome));
        });
      }
      await record(services.db, ref.messageId, results, forgotten);
      report.forgotten += forgotten.length;
      for (const result of results) {
        if (result.status === 'SENT') report.sent++;
        else if (result.status === 'RETRY') report.retrying++;
        else if (result.status === 'FAILED') report.failed++;
        else report.uncertain++;
      }
    }),
  );
  if (report.retrying > 0) {
    throw new PushRetryLater(
      `push: ${report.retrying} of ${claimed.devices.length} notifications of message ${ref.messageId} refused for now; retried later`,
    );
  }
  return report;
}

function openAddress(
  services: NotifyServices,
  device: RecipientDevice,
): DeviceAddress | TokenDecryptionError {
  try {
    return unsealAddress(services.cipher, device.platform, device.sealedToken, device.tokenHash);
  } catch (error) {
    if (error instanceof TokenDecryptionError) return error;
    throw error;
  }
}

/**
 * The key an envelope names, quoted, for the log. Only an envelope's: the same field of a value
 * that is not one (a token stored unsealed by mistake) could be a piece of the token.
 */
function keyIdOf(services: NotifyServices, sealed: string): string {
  return sealed.startsWith('enc:v1:') ? `"${services.cipher.keyIdOf(sealed)}"` : '(none: not an envelope)';
}

/**
 * What senders threw, once per error, with the devices it left unsettled. Only the error's name
 * and message, and with this batch's addresses blotted out: a message can quote what the sender
 * was handling, and a provider's answer can quote the token. A SyntaxError's message quotes the
 * text it could not parse, cut anywhere (so a token's fragment could pass the blotting): its name
 * alone is logged.
 */
function logSenderErrors(
  log: (line: string) => void,
  platform: Platform,
  messageId: string,
  batch: Outbound[],
  outcomes: SendOutcome[],
) {
  const devicesOf = new Map<unknown, string[]>();
  batch.forEach((item, i) => {
    const outcome = outcomes[i];
    if (outcome?.kind !== 'uncertain' || outcome.error === undefined) return;
    devicesOf.set(outcome.error, [...(devicesOf.get(outcome.error) ?? []), item.deviceId]);
  });
  for (const [error, devices] of devicesOf) {
    const what =
      error instanceof SyntaxError
        ? error.name
        : blotAddresses(error instanceof Error ? `${error.name}: ${error.message}` : String(error), batch);
    log(
      `push: the ${platform} sender failed (${what}) on message ${messageId} for device(s) ${devices.join(', ')}; ` +
        'left unsettled, not sent again',
    );
  }
}

function blotAddresses(text: string, batch: Outbound[]): string {
  let blotted = text;
  for (const { address } of batch) {
    const secrets =
      address.platform === 'web'
        ? [address.subscription.endpoint, address.subscription.keys.p256dh, address.subscription.keys.auth]
        : [address.token];
    for (const secret of secrets) if (secret) blotted = blotted.replaceAll(secret, '[device address]');
  }
  return blotted;
}

function notificationFor(workspaceName: string, ref: NewMessageRef, badge: number): PushNotification {
  return {
    title: `New message in ${workspaceName}`,
    workspaceId: ref.workspaceId,
    conversationId: ref.conversationId,
    messageId: ref.messageId,
    badge,
    path: conversationPath(ref.workspaceId, ref.conversationId),
  };
}

function resultOf(deviceId: string, outcome: Exclude<SendOutcome, { kind: 'gone' }>): DeliveryResult {
  switch (outcome.kind) {
    case 'sent':
      return { deviceId, status: 'SENT', ref: outcome.ref };
    case 'retry':
      return { deviceId, status: 'RETRY', error: outcome.reason };
    case 'failed':
      return { deviceId, status: 'FAILED', error: outcome.reason };
    case 'uncertain':
      return { deviceId, status: 'UNCERTAIN', error: outcome.reason };
  }
}

async function record(db: Database, messageId: string, results: DeliveryResult[], forgotten: string[]) {
  if (results.length === 0 && forgotten.length === 0) return;
  await db.withService(async (trx) => {
    await recordDeliveries(trx, messageId, results);
    await forgetDevices(trx, forgotten);
  });
}
