// A device's address at its push service is a secret: sealed with the server's token keys at
// rest (the same key ring as OAuth tokens), and known in the clear only by its SHA-256, which is
// what makes a token unique across people. It never leaves the server in an API answer or a log.
import { createHash } from 'node:crypto';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Platform, RegisterDevice, WebPushSubscription } from './push.schemas.ts';

/** What a sender needs to reach one device. */
export type DeviceAddress =
  | { platform: 'expo' | 'apns' | 'fcm'; token: string }
  | { platform: 'web'; subscription: WebPushSubscription };

export function addressOf(device: RegisterDevice): DeviceAddress {
  if (device.platform === 'web') {
    const { endpoint, keys } = device.subscription;
    return { platform: 'web', subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } } };
  }
  // APNs tokens are hex, given in either case by different SDKs: one device, one spelling.
  return {
    platform: device.platform,
    token: device.platform === 'apns' ? device.token.toLowerCase() : device.token,
  };
}

/**
 * The token's identity: a browser is its subscription's endpoint (its keys change when it
 * subscribes again to the same endpoint, which is still the same browser).
 */
export function deviceTokenHash(platform: Platform, identity: string): string {
  return createHash('sha256').update(`${platform}\u0000${identity}`).digest('hex');
}

export function hashOf(address: DeviceAddress): string {
  return deviceTokenHash(
    address.platform,
    address.platform === 'web' ? address.subscription.endpoint : address.token,
  );
}

/** The sealed token is bound to its hash, so it cannot be copied onto another device's row. */
const context = (tokenHash: string) => `push_devices.token:${tokenHash}`;

export function sealAddress(cipher: TokenCipher, address: DeviceAddress, tokenHash: string): string {
  const plain = address.platform === 'web' ? JSON.stringify(address.subscription) : address.token;
  return cipher.encrypt(plain, context(tokenHash));
}

/** Throws TokenDecryptionError when the key that sealed it is gone (the device registers again). */
export function unsealAddress(
  cipher: TokenCipher,
  platform: Platform,
  sealed: string,
  tokenHash: string,
): DeviceAddress {
  const plain = cipher.decrypt(sealed, context(tokenHash));
  if (platform === 'web') return { platform, subscription: JSON.parse(plain) as WebPushSubscription };
  return { platform, token: plain };
}
