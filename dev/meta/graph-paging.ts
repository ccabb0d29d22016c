// Cursor paging the way Graph answers a listing (§7): `{data, paging: {cursors: {after}, next}}`,
// `next` only while more follows, no `paging` on an empty page. A cursor holds a place in a
// newest-first listing (a time and what breaks ties), not an offset, so what moves ahead of it
// while a client pages (a conversation with a new message) is not repeated and nothing behind it
// is skipped. Page size: Graph's usual default of 25 and at most 100, larger asks capped as Graph
// caps them; Meta documents neither for this API. Only `after` paging is offered, the direction
// §7 shows.
import { type ListingKey, newestFirst } from './conversation-listing.ts';
import type { GraphCall } from './graph-api.ts';
import { invalidParameter } from './graph-errors.ts';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  limit: number;
  after: ListingKey | undefined;
}

const encodeCursor = (key: ListingKey) =>
  Buffer.from(JSON.stringify([key.time, key.tie])).toString('base64url');

function decodeCursor(cursor: string): ListingKey {
  try {
    const [time, tie] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(time) && typeof tie === 'string') return { time: time as number, tie };
  } catch {}
  throw invalidParameter('The after cursor is invalid');
}

/** `limit` and `after` as a query (or an edge's `.limit()` modifier) gives them. */
export function pageRequest(limit: unknown, after: unknown): PageRequest {
  if (limit !== undefined && (typeof limit !== 'string' || !/^\d+$/.test(limit) || Number(limit) < 1))
    throw invalidParameter('param limit must be a positive integer');
  if (after !== undefined && typeof after !== 'string') throw invalidParameter('The after cursor is invalid');
  return {
    limit: limit === undefined ? DEFAULT_PAGE_SIZE : Math.min(Number(limit), MAX_PAGE_SIZE),
    after: after === undefined ? undefined : decodeCursor(after),
  };
}

/**
 * One page of `items` (newest first, as `keyOf` orders them) in Graph's envelope; `link(after)` is
 * the URL of the page after the cursor.
 */
export function page<T>(
  items: T[],
  keyOf: (item: T) => ListingKey,
  request: PageRequest,
  view: (item: T) => unknown,
  link: (after: string) => string,
) {
  const { after } = request;
  const rest = after === undefined ? items : items.filter((item) => newestFirst(keyOf(item), after) > 0);
  const slice = rest.slice(0, request.limit);
  const last = slice.at(-1);
  if (last === undefined) return { data: [] };
  const cursor = encodeCursor(keyOf(last));
  return {
    data: slice.map(view),
    paging: { cursors: { after: cursor }, ...(rest.length > slice.length ? { next: link(cursor) } : {}) },
  };
}

/** The request's own URL with another `after`: the next page of a top-level listing. */
export function nextOfRequest(call: GraphCall) {
  return (after: string) => {
    const next = new URL(call.url);
    next.searchParams.set('after', after);
    return next.toString();
  };
}

/**
 * A Graph URL on the request's host and version (`path` below it), with the request's
 * access_token when it came in the query: the next page of a nested edge.
 */
export function graphLink(call: GraphCall, path: string, params: Record<string, string>): string {
  const prefix = /^\/graph\.[a-z]+\.com(?:\/v\d+\.0)?/.exec(call.url.pathname)?.[0] ?? '';
  const link = new URL(`${prefix}/${path}`, call.url.origin);
  const token = call.url.searchParams.get('access_token');
  if (token !== null) link.searchParams.set('access_token', token);
  for (const [name, value] of Object.entries(params)) link.searchParams.set(name, value);
  return link.toString();
}
