// Meta's `signed_request` (deauthorize and data-deletion callbacks): "<sig>.<payload>", both
// base64url; sig = HMAC-SHA256 of the payload text under the app secret. Any configured app
// secret is tried, as for webhooks (Instagram-login and Facebook-login apps differ).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { readBodyWithLimit } from '../http/read-body.ts';

const Payload = z.looseObject({
  algorithm: z.string(),
  issued_at: z.number().optional(),
  // An app-scoped user id, sometimes a number on the wire; digits only either way.
  user_id: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String),
});

export type SignedRequestPayload = z.infer<typeof Payload>;

export class SignedRequestError extends Error {}

function decodeBase64Url(part: string): Buffer {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(part)) throw new SignedRequestError('signed_request is not base64url');
  return Buffer.from(part, 'base64url');
}

export function parseSignedRequest(signedRequest: string, secrets: readonly string[]): SignedRequestPayload {
  const dot = signedRequest.indexOf('.');
  if (dot <= 0 || dot === signedRequest.length - 1)
    throw new SignedRequestError('signed_request must be <signature>.<payload>');
  const encodedSignature = signedRequest.slice(0, dot);
  const encodedPayload = signedRequest.slice(dot + 1);
  const signature = decodeBase64Url(encodedSignature);
  const matches = secrets.map((secret) => {
    const expected = createHmac('sha256', secret).update(encodedPayload).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  });
  if (!matches.includes(true)) throw new SignedRequestError('signed_request signature does not match');

  let json: unknown;
  try {
    json = JSON.parse(decodeBase64Url(encodedPayload).toString('utf8'));
  } catch {
    throw new SignedRequestError('signed_request payload is not JSON');
  }
  const payload = Payload.safeParse(json);
  if (!payload.success) throw new SignedRequestError('signed_request payload has no user_id or algorithm');
  if (payload.data.algorithm.toUpperCase() !== 'HMAC-SHA256') {
    throw new SignedRequestError(`signed_request algorithm ${payload.data.algorithm} is not supported`);
  }
  return payload.data;
}

/** The inverse, for tests and the simulator. */
export function createSignedRequest(secret: string, payload: Record<string, unknown>): string {
  const encodedPayload = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = createHmac('sha256', secret).update(encodedPayload).digest('base64url');
  return `${signature}.${encodedPayload}`;
}

/** The `signed_request` field of Meta's form-encoded callback POST, verified. */
/** Meta's callbacks carry one signed_request of a few hundred bytes. */
export const MAX_CALLBACK_BYTES = 16_384;

export async function readSignedRequest(
  request: Request,
  secrets: readonly string[],
): Promise<SignedRequestPayload> {
  // Read up to the limit, never the whole body first: no sign-in is needed to send one.
  const text = (await readBodyWithLimit(request, MAX_CALLBACK_BYTES)).toString('utf8');
  const signedRequest = new URLSearchParams(text).get('signed_request');
  if (!signedRequest) throw new SignedRequestError('the body has no signed_request field');
  return parseSignedRequest(signedRequest, secrets);
}
