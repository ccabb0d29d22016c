// What every request passes before a route sees it, on the production server (app/server.ts) and
// the dev server (vite.config.ts) alike, right after the method check:
// - the client's address is recorded for the routes (client-address.ts);
// - every response gets the browser-hardening headers (security-headers.ts);
// - a POST from a page of another site is refused, so a cross-site form cannot sign an operator in
//   to someone else's workspace or act in theirs (Remix itself checks nothing for data requests);
// - a body must say how long it is, and be at most MAX_REQUEST_BODY_BYTES: Node then never reads
//   more than that, so no one can fill the server's memory before a route looks at the size.
// Meta's callbacks are exempt from both: Meta is another site by definition, proves itself by
// signature, and its endpoints read their bodies with limits of their own, chunked ones included.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Env } from '../env.ts';
import type { ErrorReason } from '../errors.ts';
import { recordClientAddress } from './client-address.ts';
import { isCrossSite } from './cross-site.ts';
import { WEBHOOK_PATH } from './node-webhook.ts';
import { CSP_NONCE_HEADER, newNonce, securityHeaders } from './security-headers.ts';

/** Far above any form, tRPC batch or send request; uploads go to Meta by URL, never through us. */
export const MAX_REQUEST_BODY_BYTES = 256 * 1024;

const META_CALLBACKS = new Set([WEBHOOK_PATH, '/api/instagram/deauthorize', '/api/instagram/data-deletion']);

type Refusal = { status: number; error: string; reason: ErrorReason };

/** Why a request may not go further, or null when it may. */
function refusal(req: IncomingMessage, appOrigin: string): Refusal | null {
  if (req.method === 'GET' || req.method === 'HEAD') return null;
  if (META_CALLBACKS.has((req.url ?? '').split('?')[0] ?? '')) return null;
  if (isCrossSite(req.headers, appOrigin)) {
    return {
      status: 403,
      error: 'Cross-site request refused: send it from the app’s own pages',
      reason: 'forbidden',
    };
  }
  const declared = req.headers['content-length'];
  if (declared === undefined && req.headers['transfer-encoding'] !== undefined) {
    return { status: 411, error: 'Send the body with a Content-Length', reason: 'bad_request' };
  }
  if (Number(declared) > MAX_REQUEST_BODY_BYTES) {
    return {
      status: 413,
      error: `The body is larger than ${MAX_REQUEST_BODY_BYTES} bytes`,
      reason: 'payload_too_large',
    };
  }
  return null;
}

/** Connect-style middleware; see the top of this file. */
export function requestGuard(env: Pick<Env, 'APP_URL' | 'SUPABASE_URL' | 'TRUST_PROXY'>) {
  const headersFor = securityHeaders({ appUrl: env.APP_URL, supabaseUrl: env.SUPABASE_URL });
  const appOrigin = new URL(env.APP_URL).origin;
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    recordClientAddress(req, env.TRUST_PROXY);
    const nonce = newNonce();
    req.headers[CSP_NONCE_HEADER] = nonce;
    for (const [name, value] of Object.entries(headersFor(nonce))) res.setHeader(name, value);
    const refused = refusal(req, appOrigin);
    if (!refused) next();
    else {
      // Closing the connection is what stops a client still sending a body we will not read.
      res.writeHead(refused.status, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        Connection: 'close',
      });
      res.end(JSON.stringify({ error: refused.error, reason: refused.reason }));
    }
  };
}
