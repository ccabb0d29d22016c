// The browser's side of Web Push message encryption (RFC 8291 with RFC 8188's aes128gcm), for
// tests: a subscription's key pair and auth secret, and decryption of what the push service
// received. Written from the RFCs with node:crypto, independently of the library that encrypts.
import { createDecipheriv, createECDH, type ECDH, hkdfSync, randomBytes } from 'node:crypto';

export interface BrowserKeys {
  ecdh: ECDH;
  /** Uncompressed P-256 public key, base64url (PushSubscription.keys.p256dh). */
  p256dh: string;
  /** 16 random bytes, base64url (PushSubscription.keys.auth). */
  auth: string;
}

export function newBrowserKeys(): BrowserKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    ecdh,
    p256dh: ecdh.getPublicKey().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
  };
}

/** Decrypts an aes128gcm body (one record) for the subscription that owns `keys`. */
export function decryptWebPush(body: Buffer, keys: BrowserKeys): string {
  // RFC 8188 header: salt (16) | record size (4) | idlen (1) | keyid (the sender's public key).
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const senderPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const receiverPublic = keys.ecdh.getPublicKey();
  const sharedSecret = keys.ecdh.computeSecret(senderPublic);
  const authSecret = Buffer.from(keys.auth, 'base64url');
  // RFC 8291 §3.4: IKM from the ECDH secret and the auth secret, bound to both public keys.
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), receiverPublic, senderPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', sharedSecret, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([
    decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
    decipher.final(),
  ]);
  // The last record ends with the delimiter 0x02, then zero padding.
  const end = padded.lastIndexOf(2);
  if (end < 0) throw new Error('no record delimiter');
  return padded.subarray(0, end).toString('utf8');
}
