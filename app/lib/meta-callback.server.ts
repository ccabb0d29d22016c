// Meta's deauthorize and data-deletion callbacks: POST only, a verified signed_request, then the
// handler's JSON; a bad or unsigned request gets a 400 that says why and changes nothing, and one
// that arrives while the database is away a 503 with Retry-After, not a 500 that reads as a bug.

import { readSignedRequest, SignedRequestError, type SignedRequestPayload } from '#server/accounts/index.ts';
import { webhookSecrets } from '#server/env.ts';
import { errorBody, errorHeaders, toAppError } from '#server/errors.ts';
import { services } from './services.server.ts';

export async function handleMetaCallback(
  request: Request,
  handle: (payload: SignedRequestPayload) => Promise<unknown>,
): Promise<Response> {
  try {
    const payload = await readSignedRequest(request, webhookSecrets(services.env));
    return Response.json(await handle(payload));
  } catch (error) {
    if (error instanceof SignedRequestError) {
      return Response.json({ error: error.message, reason: 'bad_input' }, { status: 400 });
    }
    const known = toAppError(error);
    if (!known) throw error;
    return Response.json(errorBody(known), { status: known.status, headers: errorHeaders(known) });
  }
}
