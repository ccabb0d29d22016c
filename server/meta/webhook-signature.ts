// Meta signs every webhook POST with X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw
// body bytes under the app secret. Instagram-login and Facebook-login apps have different secrets,
// and Meta does not say which one signs Instagram-login webhooks, so any configured secret counts.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck =
  | { valid: true; secretIndex: number }
  | { valid: false; reason: 'missing' | 'malformed' | 'mismatch' };

const HEADER = /^sha256=([0-9a-f]{64})$/i;

export function signWebhookBody(body: Uint8Array | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function checkWebhookSignature(
  body: Uint8Array,
  header: string | null,
  secrets: readonly string[],
): SignatureCheck {
  if (!header) return { valid: false, reason: 'missing' };
  const hex = HEADER.exec(header.trim())?.[1];
  if (!hex) return { valid: false, reason: 'malformed' };
  const received = Buffer.from(hex, 'hex');
  // Compute every candidate before deciding, so timing does not reveal which secret matched.
  const matches = secrets.map((secret) =>
    timingSafeEqual(createHmac('sha256', secret).update(body).digest(), received),
  );
  const secretIndex = matches.indexOf(true);
  return secretIndex === -1 ? { valid: false, reason: 'mismatch' } : { valid: true, secretIndex };
}
