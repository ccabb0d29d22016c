// Random secrets handed to a person once (an OAuth state, an invitation link): 32 random bytes,
// URL-safe. Only their SHA-256 is stored, so the database never holds a secret that works.
import { createHash, randomBytes } from 'node:crypto';

/** The shape newSecretToken() produces: 32 bytes in unpadded base64url. */
export const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The hex SHA-256 kept in place of the token; looking a token up means hashing it the same way. */
export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
