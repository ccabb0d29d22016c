import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import {
  createSignedRequest,
  MAX_CALLBACK_BYTES,
  parseSignedRequest,
  readSignedRequest,
  SignedRequestError,
} from './signed-request.ts';

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

describe('readSignedRequest', () => {
  it('refuses an oversized body after reading no more than the limit (413), however large it is', async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(97);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        // A safety stop for a reader that does not stop: 64 MB.
        if (pulled > 64 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const request = new Request('http://app.test/api/instagram/deauthorize', {
      method: 'POST',
      body: endless,
      // A streamed body (Node's fetch requires saying so).
      duplex: 'half',
    });
    const refused = await readSignedRequest(request, ['secret']).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('PAYLOAD_TOO_LARGE');
    expect(pulled).toBeLessThanOrEqual(MAX_CALLBACK_BYTES + 3 * chunk.byteLength);
  });
});
