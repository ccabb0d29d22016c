// Request → actor. Mobile and API clients send `Authorization: Bearer <access token>`; the web
// app carries the Supabase session in @supabase/ssr cookies. Either way the access token is
// verified here before anything runs as that user.
import type { Actor } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import { createSupabaseServerClient } from './supabase-server-client.ts';

export type RequestAuth =
  | { status: 'signed-in'; actor: Actor }
  | { status: 'anonymous' }
  | { status: 'rejected'; error: AppError };

type AuthenticateServices = Pick<Services, 'supabase' | 'verifier'>;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export async function authenticateRequest(
  request: Request,
  responseHeaders: Headers,
  services: AuthenticateServices,
): Promise<RequestAuth> {
  const authorization = request.headers.get('Authorization');
  if (authorization !== null) {
    const token = BEARER.exec(authorization)?.[1];
    if (!token) {
      return reject(
        new AppError('UNAUTHENTICATED', "Authorization header must be 'Bearer <access token>'", {
          reason: 'token_malformed',
        }),
      );
    }
    return verify(services, token);
  }

  // getSession() only reads (and if needed refreshes) the cookie session; it proves nothing, so
  // the token it yields is verified like any bearer token.
  const supabase = createSupabaseServerClient(request, responseHeaders, services.supabase);
  const { data } = await supabase.auth.getSession();
  if (!data.session) return { status: 'anonymous' };
  return verify(services, data.session.access_token);
}

async function verify(services: AuthenticateServices, token: string): Promise<RequestAuth> {
  try {
    return { status: 'signed-in', actor: await services.verifier.verify(token) };
  } catch (error) {
    if (error instanceof AppError) return reject(error);
    throw error;
  }
}

function reject(error: AppError): RequestAuth {
  return { status: 'rejected', error };
}
