// The browser-hardening headers every response carries, set in one place (the request guard).
// Pages may run only the scripts the server rendered for them (each response's own nonce), may not
// be framed, and tell other sites nothing about where the operator was.
import { randomBytes } from 'node:crypto';

/**
 * The nonce of a page's scripts, handed from the request guard to the page renderer (Remix sees
 * only the request). The guard overwrites whatever a client sent under this name.
 */
export const CSP_NONCE_HEADER = 'x-inbox-csp-nonce';

export interface SiteOrigins {
  /** The app's public URL: HSTS and `upgrade-insecure-requests` only when it is https. */
  appUrl: string;
  /** The browser talks to Supabase Auth (fetch) and Realtime (WebSocket) directly. */
  supabaseUrl: string;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The headers for `site`, worked out once (the guard makes this at start-up); only each
 * response's script nonce is filled in per request.
 */
export function securityHeaders(site: SiteOrigins): (nonce: string) => Record<string, string> {
  const secure = new URL(site.appUrl).protocol === 'https:';
  const supabase = new URL(site.supabaseUrl);
  const realtime = `${supabase.protocol === 'https:' ? 'wss:' : 'ws:'}//${supabase.host}`;
  // Pictures and media come from Meta's CDN; an app served over plain http (on one's own machine)
  // may show them over http as well, as nothing it loads is protected by TLS anyway.
  const media = secure ? "'self' data: blob: https:" : "'self' data: blob: https: http:";
  const policy = (nonce: string) =>
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      // React renders style attributes, and the dev server injects the stylesheet as <style>.
      "style-src 'self' 'unsafe-inline'",
      `img-src ${media}`,
      `media-src ${media}`,
      `connect-src 'self' ${supabase.origin} ${realtime}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      ...(secure ? ['upgrade-insecure-requests'] : []),
    ].join('; ');
  const fixed = {
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    ...(secure ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
  return (nonce) => ({ 'Content-Security-Policy': policy(nonce), ...fixed });
}
