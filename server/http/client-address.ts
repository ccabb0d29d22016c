// Who is asking, by network address, for the sign-in throttle and for Supabase Auth's own per-IP
// limits. Remix hands actions a Fetch API Request, which has no socket; so the request guard in
// front of Remix (the production server and the dev server alike) writes the address into a
// request header of the app's own, after deleting whatever a client sent under that name.
//
// The address is the connection's, unless TRUST_PROXY says how many proxies in front of the app
// append to X-Forwarded-For: then it is the entry that many hops from the right. Entries further
// left were written by the client and prove nothing.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Set by the middleware only; a client's own is deleted first. */
export const CLIENT_ADDRESS_HEADER = 'x-inbox-client-address';

/** The client's address as the trusted hops report it; null when nothing usable is known. */
export function resolveClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedHops: number,
): string | null {
  const socket = normalise(socketAddress);
  if (trustedHops === 0 || forwardedFor === undefined) return socket;
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  const hops = [...forwarded, socketAddress ?? ''];
  // Fewer entries than trusted proxies: the request skipped some of them; the leftmost is the
  // furthest any trusted proxy saw (as Express's `trust proxy` count does).
  return normalise(hops[Math.max(0, hops.length - 1 - trustedHops)]) ?? socket;
}

/** What the middleware recorded for this request (null when it was not mounted). */
export function clientAddressOf(request: Request): string | null {
  return normalise(request.headers.get(CLIENT_ADDRESS_HEADER) ?? undefined);
}

/** Records the request's client address for the routes (the request guard calls this). */
export function recordClientAddress(req: IncomingMessage, trustedHops: number): void {
  delete req.headers[CLIENT_ADDRESS_HEADER];
  const address = resolveClientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustedHops);
  if (address) req.headers[CLIENT_ADDRESS_HEADER] = address;
}

function normalise(address: string | undefined): string | null {
  const trimmed = address?.trim() ?? '';
  // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d; it is the same client as a.b.c.d.
  const plain =
    trimmed.toLowerCase().startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
  return isIP(plain) ? plain : null;
}
