// A Supabase client bound to one HTTP request: it reads the session from the request's cookies
// and writes refreshed or cleared session cookies to the response headers (@supabase/ssr).
import { createServerClient, parseCookieHeader, serializeCookieHeader } from '@supabase/ssr';
import type { SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
import type { Env } from '../env.ts';
import { clientAddressOf } from '../http/client-address.ts';
import { sessionCookie } from './session-cookie.ts';

export interface SupabaseConfig {
  supabaseUrl: string;
  anonKey: string;
  /** The app's public URL: its scheme decides whether the session cookie is `Secure`. */
  appUrl: string;
}

export function supabaseConfig(
  env: Pick<Env, 'SUPABASE_URL' | 'SUPABASE_ANON_KEY' | 'APP_URL'>,
): SupabaseConfig {
  return { supabaseUrl: env.SUPABASE_URL, anonKey: env.SUPABASE_ANON_KEY, appUrl: env.APP_URL };
}

/**
 * Supabase Auth limits sign-ins, sign-ups and refreshes per client address, and every request of
 * this client comes from the app server: the address of the request it serves (server/http/
 * client-address.ts) goes with it in `Sb-Forwarded-For`, the header Auth reads for that when the
 * project enables IP address forwarding.
 */
export const FORWARDED_FOR_HEADER = 'Sb-Forwarded-For';

export function createSupabaseServerClient(
  request: Request,
  responseHeaders: Headers,
  config: SupabaseConfig,
): SupabaseClient {
  const clientAddress = clientAddressOf(request);
  const secure = new URL(config.appUrl).protocol === 'https:';
  return createServerClient(config.supabaseUrl, config.anonKey, {
    cookies: {
      getAll: () =>
        parseCookieHeader(request.headers.get('Cookie') ?? '').map(({ name, value }) => ({
          name,
          value: value ?? '',
        })),
      setAll(cookies, headers) {
        for (const { name, value, options } of cookies) {
          responseHeaders.append(
            'Set-Cookie',
            serializeCookieHeader(name, value, sessionCookie(options, secure)),
          );
        }
        for (const [name, value] of Object.entries(headers ?? {})) responseHeaders.set(name, value);
      },
    },
    global: clientAddress ? { headers: { [FORWARDED_FOR_HEADER]: clientAddress } } : undefined,
    // supabase-js builds a Realtime client in its constructor and Node 20 has no global WebSocket.
    realtime: { transport: ws as unknown as typeof WebSocket },
  });
}
