// The session cookie's attributes, for the server's Supabase client and the browser's alike (both
// write it: the server on sign-in and refresh, the browser when its Realtime client refreshes
// the token). @supabase/ssr keeps it 400 days and sends it over plain http too; and since its
// 0.12 sets every cookie's maxAge itself, whatever `cookieOptions` says, the attributes are set
// where the cookie is written.
//
// Not `httpOnly`: the browser client reads the session from it to join Realtime channels.
import type { CookieOptions } from '@supabase/ssr';

/** Long enough for a working fortnight away; each refresh (hourly while in use) renews it. */
export const SESSION_COOKIE_MAX_AGE_SECONDS = 14 * 24 * 60 * 60;

/** `secure` when the app is served over https, so that local development over http keeps working. */
export function sessionCookie(options: CookieOptions, secure: boolean): CookieOptions {
  return {
    ...options,
    path: '/',
    sameSite: 'lax',
    secure,
    // A deletion is a cookie that expires now.
    maxAge: options.maxAge === 0 ? 0 : SESSION_COOKIE_MAX_AGE_SECONDS,
  };
}
