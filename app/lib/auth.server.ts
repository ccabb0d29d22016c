// Who is asking, for Remix loaders and actions. Pages redirect to sign-in when nobody is.
import { data, redirect } from '@remix-run/node';
import { authenticateRequest } from '#server/auth/authenticate-request.ts';
import { createSupabaseServerClient, supabaseConfig } from '#server/auth/supabase-server-client.ts';
import type { Actor } from '#server/db/database.ts';
import { errorHeaders } from '#server/errors.ts';
import { runtime } from './runtime.server.ts';

/** A Supabase client for this request; refreshed or cleared session cookies land in `headers`. */
export function supabaseForRequest(request: Request, headers: Headers) {
  return createSupabaseServerClient(request, headers, supabaseConfig(runtime.env));
}

export async function getActor(request: Request, headers: Headers): Promise<Actor | null> {
  const auth = await authenticateRequest(request, headers, {
    ...supabaseConfig(runtime.env),
    verifier: runtime.verifier,
  });
  // The session store (Postgres) being away is no reason to send someone to sign in again.
  if (auth.status === 'rejected' && auth.error.code === 'UNAVAILABLE') {
    throw new Response(auth.error.message, { status: auth.error.status, headers: errorHeaders(auth.error) });
  }
  return auth.status === 'signed-in' ? auth.actor : null;
}

/** The signed-in operator, or a redirect to sign-in that comes back here afterwards. */
export async function requireActor(request: Request, headers: Headers): Promise<Actor> {
  const actor = await getActor(request, headers);
  if (actor) return actor;
  const url = new URL(request.url);
  const back = url.pathname === '/' ? '' : `?redirectTo=${encodeURIComponent(url.pathname + url.search)}`;
  throw redirect(`/sign-in${back}`, { headers });
}

/** For the sign-in and sign-up pages: someone already signed in goes straight to the app. */
export async function redirectIfSignedIn(request: Request) {
  const headers = new Headers();
  if (await getActor(request, headers)) throw redirect('/', { headers });
  return data(null, { headers });
}
