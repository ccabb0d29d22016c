// Meta's deauthorize and data-deletion callbacks: POST only, a verified signed_request, then the
// handler's JSON; a bad or unsigned request gets a 400 that says why and changes nothing.
import { webhookSecrets } from '#server/env.ts';
import {
  readSignedRequest,
  SignedRequestError,
  type SignedRequestPayload,
} from '#server/meta/signed-request.ts';
import { runtime } from './runtime.server.ts';

export async function handleMetaCallback(
  request: Request,
  handle: (payload: SignedRequestPayload) => Promise<unknown>,
): Promise<Response> {
  try {
    const payload = await readSignedRequest(request, webhookSecrets(runtime.env));
    return Response.json(await handle(payload));
  } catch (error) {
    if (error instanceof SignedRequestError) return Response.json({ error: error.message }, { status: 400 });
    throw error;
  }
}
