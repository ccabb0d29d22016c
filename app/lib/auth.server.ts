// Who is asking, for Remix loaders and actions. Pages redirect to sign-in when nobody is.
import { data, redirect } from '@remix-run/node';
import { authenticateRequest } from '#server/auth/authenticate-request.ts';
import { createSupabaseServerClient } from '#server/auth/supabase-server-client.ts';
import type { Actor } from '#server/db/database.ts';
import { AppError, errorHeaders } from '#server/errors.ts';
import { services } from './services.server.ts';

/** A Supabase client for this request; refreshed or cleared session cookies land in `headers`. */
export function supabaseForRequest(request: Request, headers: Headers) {
  return createSupabaseServerClient(request, headers, services.supabase);
}

/**
 * The verified operator, or null. The session store (Postgres) being away is no reason to send
 * anyone to sign in again: that is thrown, as UNAVAILABLE, for the caller to answer 503.
 */
export async function getActor(request: Request, headers: Headers): Promise<Actor | null> {
  const auth = await authenticateRequest(request, headers, services);
  if (auth.status === 'rejected' && auth.error.code === 'UNAVAILABLE') throw auth.error;
  return auth.status === 'signed-in' ? auth.actor : null;
}

/**
 * For the JSON endpoints: the verified operator, or the refusal to answer with, which says why
 * (no token, an expired one, a session that ended: its `reason`). The session store being away is
 * thrown, as UNAVAILABLE.
 */
export async function authenticateApiCaller(request: Request, headers: Headers): Promise<Actor | AppError> {
  const auth = await authenticateRequest(request, headers, services);
  if (auth.status === 'signed-in') return auth.actor;
  if (auth.status === 'rejected') {
    if (auth.error.code === 'UNAVAILABLE') throw auth.error;
    return auth.error;
  }
  return new AppError(
    'UNAUTHENTICATED',
    'Sign in first: send the session cookie or Authorization: Bearer <access token>',
    { reason: 'token_missing' },
  );
}

/** For pages: getActor, with UNAVAILABLE as the 503 the root error boundary shows as such. */
async function getPageActor(request: Request, headers: Headers): Promise<Actor | null> {
  try {
    return await getActor(request, headers);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw data(error.message, { status: error.status, headers: errorHeaders(error) });
  }
}

/** The signed-in operator, or a redirect to sign-in that comes back here afterwards. */
export async function requireActor(request: Request, headers: Headers): Promise<Actor> {
  const actor = await getPageActor(request, headers);
  if (actor) return actor;
  const url = new URL(request.url);
  const back = url.pathname === '/' ? '' : `?redirectTo=${encodeURIComponent(url.pathname + url.search)}`;
  throw redirect(`/sign-in${back}`, { headers });
}

/** For the sign-in and sign-up pages: someone already signed in goes straight to the app. */
export async function redirectIfSignedIn(request: Request) {
  const headers = new Headers();
  if (await getPageActor(request, headers)) throw redirect('/', { headers });
  return data(null, { headers });
}
