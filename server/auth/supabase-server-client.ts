// A Supabase client bound to one HTTP request: it reads the session from the request's cookies
// and writes refreshed or cleared session cookies to the response headers (@supabase/ssr).
import { createServerClient, parseCookieHeader, serializeCookieHeader } from '@supabase/ssr';
import type { SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';

export interface SupabaseConfig {
  supabaseUrl: string;
  anonKey: string;
}

export function createSupabaseServerClient(
  request: Request,
  responseHeaders: Headers,
  config: SupabaseConfig,
): SupabaseClient {
  return createServerClient(config.supabaseUrl, config.anonKey, {
    cookies: {
      getAll: () =>
        parseCookieHeader(request.headers.get('Cookie') ?? '').map(({ name, value }) => ({
          name,
          value: value ?? '',
        })),
      setAll(cookies, headers) {
        for (const { name, value, options } of cookies) {
          responseHeaders.append('Set-Cookie', serializeCookieHeader(name, value, options));
        }
        for (const [name, value] of Object.entries(headers ?? {})) responseHeaders.set(name, value);
      },
    },
    // supabase-js builds a Realtime client in its constructor and Node 20 has no global WebSocket.
    realtime: { transport: ws as unknown as typeof WebSocket },
  });
}
