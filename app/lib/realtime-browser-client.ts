// The browser's Realtime client: @supabase/realtime-js alone, not all of supabase-js (decision
// 026), joining with the operator's access token from the session cookie (browser-session.ts,
// which also refreshes it). Without a session it joins with the anon key, as supabase-js did.
import { RealtimeClient } from '@supabase/realtime-js';
import { parseCookieHeader, serializeCookieHeader } from '@supabase/ssr';
import { sessionCookie } from '#server/auth/session-cookie.ts';
import { browserSession } from './browser-session.ts';
import { closingOnceOpen } from './closing-once-open.ts';
import type { CookieJar } from './session-cookie-store.ts';

/** `document.cookie`, written with the attributes the server gives the session cookie too. */
const documentCookies: CookieJar = {
  getAll: () => parseCookieHeader(document.cookie).map(({ name, value }) => ({ name, value: value ?? '' })),
  setAll(cookies) {
    const secure = window.location.protocol === 'https:';
    for (const { name, value, options } of cookies) {
      // biome-ignore lint/suspicious/noDocumentCookie: @supabase/ssr's own default writes it the same way
      document.cookie = serializeCookieHeader(name, value, sessionCookie(options, secure));
    }
  },
};

export function createRealtimeBrowserClient(supabaseUrl: string, anonKey: string): RealtimeClient {
  const session = browserSession({ supabaseUrl, anonKey, cookies: documentCookies });
  // Where supabase-js points its Realtime client: <project>/realtime/v1 over ws(s).
  const endpoint = new URL('realtime/v1', supabaseUrl.endsWith('/') ? supabaseUrl : `${supabaseUrl}/`);
  endpoint.protocol = endpoint.protocol.replace('http', 'ws');
  return new RealtimeClient(endpoint.href, {
    params: { apikey: anonKey },
    accessToken: async () => (await session.accessToken()) ?? anonKey,
    transport: closingOnceOpen(WebSocket),
  });
}
