// Meta's `signed_request` (§8), as POSTed to an app's deauthorize and data-deletion callbacks:
// base64url(HMAC-SHA256(app secret, encoded payload)) + "." + encoded payload, where the encoded
// payload is the base64url of its JSON, both without padding.
import { createHmac } from 'node:crypto';

export interface SignedRequestPayload {
  algorithm: 'HMAC-SHA256';
  /** Epoch seconds. */
  issued_at: number;
  /** App-scoped user id: Instagram's on Instagram Login, Facebook's on Facebook Login. */
  user_id: string;
}

export function signedRequest(secret: string, payload: SignedRequestPayload): string {
  const encodedPayload = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = createHmac('sha256', secret).update(encodedPayload).digest('base64url');
  return `${signature}.${encodedPayload}`;
}
