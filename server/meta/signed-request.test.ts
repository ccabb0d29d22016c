import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSignedRequest, parseSignedRequest, SignedRequestError } from './signed-request.ts';

const secret = 'instagram-app-secret-123';
const other = 'meta-app-secret-456';
const payload = { algorithm: 'HMAC-SHA256', issued_at: 1291836800, user_id: '27640875392278831' };

describe('parseSignedRequest', () => {
  it("verifies Meta's format and returns the payload", () => {
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const signature = createHmac('sha256', secret).update(encoded).digest('base64url');
    expect(parseSignedRequest(`${signature}.${encoded}`, [secret])).toMatchObject(payload);
  });

  it('accepts either configured secret, padded base64 and a numeric user_id', () => {
    const signed = createSignedRequest(other, { ...payload, user_id: 218471 });
    expect(parseSignedRequest(signed, [secret, other]).user_id).toBe('218471');
    const [sig, body] = signed.split('.');
    expect(parseSignedRequest(`${sig}=.${body}`, [secret, other]).user_id).toBe('218471');
  });

  it.each([
    ['a wrong signature', () => createSignedRequest('not-the-secret', payload), /does not match/],
    [
      'a tampered payload',
      () => {
        const [sig] = createSignedRequest(secret, payload).split('.');
        return `${sig}.${Buffer.from(JSON.stringify({ ...payload, user_id: '1' })).toString('base64url')}`;
      },
      /does not match/,
    ],
    [
      'another algorithm',
      () => createSignedRequest(secret, { ...payload, algorithm: 'none' }),
      /algorithm none/,
    ],
    ['no user_id', () => createSignedRequest(secret, { algorithm: 'HMAC-SHA256' }), /no user_id/],
    ['no dot', () => 'abcdef', /<signature>\.<payload>/],
    ['not base64url', () => 'a$b.c%d', /base64url/],
  ])('rejects %s', (_, make, message) => {
    expect(() => parseSignedRequest(make(), [secret])).toThrow(SignedRequestError);
    expect(() => parseSignedRequest(make(), [secret])).toThrow(message);
  });
});
