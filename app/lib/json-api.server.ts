// The small JSON endpoints of the seed's contract (/api/instagram/oauth, /status): the signed-in
// operator or 401, domain errors as their HTTP status with a message and its reason, never cached. A database
// that cannot be reached is a 503 with Retry-After, like every other surface.
import type { Actor } from '#server/db/database.ts';
import { errorBody, errorHeaders, toAppError } from '#server/errors.ts';
import { getActor } from './auth.server.ts';

export async function jsonForOperator(
  request: Request,
  handle: (actor: Actor) => Promise<unknown>,
): Promise<Response> {
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  try {
    const actor = await getActor(request, headers);
    if (!actor)
      return Response.json({ error: 'Sign in first', reason: 'token_missing' }, { status: 401, headers });
    return Response.json(await handle(actor), { headers });
  } catch (caught) {
    const error = toAppError(caught);
    if (!error) throw caught;
    for (const [name, value] of Object.entries(errorHeaders(error))) headers.set(name, value);
    return Response.json(errorBody(error), { status: error.status, headers });
  }
}
