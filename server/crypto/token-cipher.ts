// OAuth tokens at rest: AES-256-GCM in the application, keys from the environment, never in the
// database. The key id travels with each ciphertext so keys can rotate; the associated data binds
// a ciphertext to its row and column, so it cannot be copied onto another connection.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isBranded } from '../errors.ts';

const PREFIX = 'enc:v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export interface KeyRing {
  /** New ciphertexts use the first key; the others still decrypt. */
  activeKeyId: string;
  keys: Map<string, Buffer>;
}

/** "id:base64key,id2:base64key2" with 32-byte keys; throws a message naming what is wrong. */
export function parseKeyRing(spec: string): KeyRing {
  const keys = new Map<string, Buffer>();
  for (const item of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [id, encoded, ...rest] = item.split(':');
    if (!id || !encoded || rest.length > 0 || !KEY_ID.test(id)) {
      throw new Error(`each key must look like <id>:<base64 of 32 bytes>, got "${id ?? ''}:…"`);
    }
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes (base64), got ${key.length}`);
    if (keys.has(id)) throw new Error(`key id "${id}" appears twice`);
    keys.set(id, key);
  }
  const activeKeyId = keys.keys().next().value;
  if (!activeKeyId) throw new Error('at least one key is required');
  return { activeKeyId, keys };
}

export function newKeySpec(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

export interface TokenCipher {
  encrypt(plaintext: string, context: string): string;
  decrypt(envelope: string, context: string): string;
  /** Which key sealed a ciphertext (to find the ones a rotation must re-encrypt). */
  keyIdOf(envelope: string): string;
  activeKeyId: string;
}

const TOKEN_DECRYPTION_ERROR: unique symbol = Symbol.for('direct-inbox.TokenDecryptionError');

/** A sealed token the key ring cannot open (`instanceof` holds across module copies: see isBranded). */
export class TokenDecryptionError extends Error {
  static override [Symbol.hasInstance] = isBranded(TOKEN_DECRYPTION_ERROR);
  readonly [TOKEN_DECRYPTION_ERROR] = true;
}

export function createTokenCipher(ring: KeyRing): TokenCipher {
  const b64 = (data: Buffer) => data.toString('base64url');
  return {
    activeKeyId: ring.activeKeyId,
    encrypt(plaintext, context) {
      const key = ring.keys.get(ring.activeKeyId) as Buffer;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [PREFIX, ring.activeKeyId, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join(':');
    },
    decrypt(envelope, context) {
      const parts = envelope.split(':');
      const [, , keyId, iv, ciphertext, tag] = parts;
      if (
        parts.length !== 6 ||
        `${parts[0]}:${parts[1]}` !== PREFIX ||
        !keyId ||
        !iv ||
        !ciphertext ||
        !tag
      ) {
        throw new TokenDecryptionError('not a token envelope');
      }
      const key = ring.keys.get(keyId);
      if (!key) throw new TokenDecryptionError(`no key "${keyId}" in the key ring`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        // Never echo the ciphertext or the key: only say that it failed.
        throw new TokenDecryptionError('token failed authentication (wrong key or tampered)');
      }
    },
    keyIdOf(envelope) {
      return envelope.split(':')[2] ?? '';
    },
  };
}

/** The associated data for a token column of a connection row. */
export function tokenContext(connectionId: string, column: 'access_token' | 'refresh_token'): string {
  return `channel_connections.${column}:${connectionId}`;
}
