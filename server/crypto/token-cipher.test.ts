import { describe, expect, it } from 'vitest';
import {
  createTokenCipher,
  newKeySpec,
  parseKeyRing,
  TokenDecryptionError,
  tokenContext,
} from './token-cipher.ts';

const token = 'IGAAexampleLongLivedToken1234567890';
const context = tokenContext('8c2c7a57-3a6b-4f5e-9f44-3a1a0c9d1e01', 'access_token');

describe('token cipher', () => {
  it('round-trips and never contains the plaintext', () => {
    const cipher = createTokenCipher(parseKeyRing(newKeySpec('k1')));
    const sealed = cipher.encrypt(token, context);
    expect(sealed).toMatch(/^enc:v1:k1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(sealed).not.toContain(token);
    expect(cipher.decrypt(sealed, context)).toBe(token);
  });

  it('uses a fresh IV every time', () => {
    const cipher = createTokenCipher(parseKeyRing(newKeySpec('k1')));
    expect(cipher.encrypt(token, context)).not.toBe(cipher.encrypt(token, context));
  });

  it('refuses a ciphertext moved to another row or column', () => {
    const cipher = createTokenCipher(parseKeyRing(newKeySpec('k1')));
    const sealed = cipher.encrypt(token, context);
    expect(() => cipher.decrypt(sealed, tokenContext('another-row', 'access_token'))).toThrow(
      TokenDecryptionError,
    );
    expect(() =>
      cipher.decrypt(sealed, tokenContext('8c2c7a57-3a6b-4f5e-9f44-3a1a0c9d1e01', 'refresh_token')),
    ).toThrow(TokenDecryptionError);
  });

  it('refuses a tampered ciphertext without revealing anything', () => {
    const cipher = createTokenCipher(parseKeyRing(newKeySpec('k1')));
    const parts = cipher.encrypt(token, context).split(':');
    parts[4] = Buffer.from('x'.repeat(35)).toString('base64url');
    const error = (() => {
      try {
        cipher.decrypt(parts.join(':'), context);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(TokenDecryptionError);
    expect(error?.message).not.toContain(parts[4]);
  });

  it('rotates: the new first key encrypts, the old one still decrypts', () => {
    const old = newKeySpec('old');
    const before = createTokenCipher(parseKeyRing(old)).encrypt(token, context);
    const rotated = createTokenCipher(parseKeyRing(`${newKeySpec('new')},${old}`));
    expect(rotated.decrypt(before, context)).toBe(token);
    expect(rotated.keyIdOf(before)).toBe('old');
    expect(rotated.keyIdOf(rotated.encrypt(token, context))).toBe('new');
  });

  it('explains a bad key ring', () => {
    expect(() => parseKeyRing('')).toThrow('at least one key is required');
    expect(() => parseKeyRing('k1:c2hvcnQ=')).toThrow('key "k1" must be 32 bytes');
    expect(() => parseKeyRing('no-separator')).toThrow('<id>:<base64 of 32 bytes>');
    const spec = newKeySpec('dup');
    expect(() => parseKeyRing(`${spec},${spec}`)).toThrow('appears twice');
  });
});
