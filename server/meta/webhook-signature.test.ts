import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkWebhookSignature, signWebhookBody } from './webhook-signature.ts';

const instagramSecret = 'ig-app-secret-0123456789';
const metaSecret = 'meta-app-secret-abcdefghij';
// Meta signs the escaped-unicode form it sends: the bytes must be hashed exactly as received.
const body = Buffer.from(
  '{"object":"instagram","entry":[{"id":"1","messaging":[{"message":{"text":"\\u00e4\\u00f6"}}]}]}',
);

describe('checkWebhookSignature', () => {
  it('matches what Meta computes: lowercase hex HMAC-SHA256 of the raw bytes', () => {
    const expected = `sha256=${createHmac('sha256', instagramSecret).update(body).digest('hex')}`;
    expect(signWebhookBody(body, instagramSecret)).toBe(expected);
    expect(checkWebhookSignature(body, expected, [instagramSecret])).toEqual({ valid: true, secretIndex: 0 });
  });

  it('accepts a signature made with either configured app secret and says which', () => {
    const header = signWebhookBody(body, metaSecret);
    expect(checkWebhookSignature(body, header, [instagramSecret, metaSecret])).toEqual({
      valid: true,
      secretIndex: 1,
    });
  });

  it('accepts upper-case hex digits', () => {
    const header = signWebhookBody(body, instagramSecret)
      .replace(/[a-f]/g, (c) => c.toUpperCase())
      .replace('SHA256', 'sha256');
    expect(checkWebhookSignature(body, header, [instagramSecret]).valid).toBe(true);
  });

  it('rejects a missing header, a malformed one, the legacy sha1 form, and a wrong secret', () => {
    expect(checkWebhookSignature(body, null, [instagramSecret])).toEqual({ valid: false, reason: 'missing' });
    expect(checkWebhookSignature(body, 'sha256=xyz', [instagramSecret])).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(checkWebhookSignature(body, `sha1=${'a'.repeat(40)}`, [instagramSecret])).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(checkWebhookSignature(body, signWebhookBody(body, 'another secret'), [instagramSecret])).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('rejects a body changed by one byte, including re-serialised JSON', () => {
    const header = signWebhookBody(body, instagramSecret);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(reserialised.equals(body)).toBe(false);
    expect(checkWebhookSignature(reserialised, header, [instagramSecret]).valid).toBe(false);
  });
});
