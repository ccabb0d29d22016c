// Whether a request was sent by a page of another site. A browser says so in `Sec-Fetch-Site`;
// one too old for that still sends `Origin` on a POST. A request with neither comes from a client
// that is not a browser (a mobile app, a script), which carries no operator's cookies but its own
// credentials, so there is no one to forge it for.
import type { IncomingHttpHeaders } from 'node:http';

/** `appOrigin` is the app's public origin (`new URL(APP_URL).origin`). */
export function isCrossSite(headers: IncomingHttpHeaders, appOrigin: string): boolean {
  const site = headers['sec-fetch-site'];
  // `none`: the operator did it themselves (typed the URL, used a bookmark).
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = headers.origin;
  if (origin === undefined) return false;
  // `null` is what sandboxed frames and data: pages send.
  return origin !== appOrigin && !isHostOrigin(origin, headers.host);
}

/** Behind a proxy that keeps the Host header, the page's origin is that host's. */
function isHostOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
