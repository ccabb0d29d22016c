// The browser's Supabase client (Realtime for live updates). It shares the session cookie with the
// server and rewrites it when it refreshes the token, so it writes it with the same attributes.
import { createBrowserClient, parseCookieHeader, serializeCookieHeader } from '@supabase/ssr';
import { sessionCookie } from '#server/auth/session-cookie.ts';

export function createSupabaseBrowserClient(url: string, anonKey: string) {
  return createBrowserClient(url, anonKey, {
    cookies: {
      getAll: () =>
        parseCookieHeader(document.cookie).map(({ name, value }) => ({ name, value: value ?? '' })),
      setAll(cookies) {
        const secure = window.location.protocol === 'https:';
        for (const { name, value, options } of cookies) {
          // biome-ignore lint/suspicious/noDocumentCookie: @supabase/ssr's own default writes it the same way
          document.cookie = serializeCookieHeader(name, value, sessionCookie(options, secure));
        }
      },
    },
  });
}
