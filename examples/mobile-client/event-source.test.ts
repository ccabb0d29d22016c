// The reference client's EventSource (react-native-sse, adapted in event-source.ts) against tRPC's
// own SSE stream, over real HTTP, on the stand-in for React Native's XMLHttpRequest: it delivers
// every event tRPC sends (`connected`, `ping`, `message` with its data and id, `serialized-error`,
// `return`), httpSubscriptionLink runs on it, and a connection that ends any other way ends the
// EventSource (CLOSED, one `error`) instead of reconnecting by itself with its first headers.
import { createTRPCClient, httpSubscriptionLink, type TRPCClientError } from '@trpc/client';
import { initTRPC, TRPCError, tracked } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventually } from '../../dev/test/eventually.ts';
import {
  installReactNativeXMLHttpRequest,
  ReactNativeXMLHttpRequest,
} from '../../dev/test/react-native-xhr.ts';
import { type ServedHandler, serveFetch, serveNode } from '../../dev/test/serve-fetch.ts';
import { ReactNativeEventSource } from './event-source.ts';

const t = initTRPC.context<{ authorization: string | null }>().create({
  sse: { ping: { enabled: true, intervalMs: 100 }, client: { reconnectAfterInactivityMs: 10_000 } },
});
const router = t.router({
  /** Two tracked events, then the end. */
  finite: t.procedure.subscription(async function* ({ ctx }) {
    yield tracked('1', { n: 1, authorization: ctx.authorization });
    yield tracked('2', { n: 2, authorization: ctx.authorization });
  }),
  /** One event, then a refusal with a reason in its data, as the API's are. */
  refused: t.procedure.subscription(async function* () {
    yield tracked('1', { n: 1 });
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'token expired' });
  }),
  /** Nothing: pings only. */
  quiet: t.procedure.subscription(async function* ({ signal }) {
    await new Promise((resolve) => signal?.addEventListener('abort', resolve));
  }),
});

let trpc: ServedHandler;
let plain: ServedHandler;
let restoreXhr: () => void;

beforeAll(async () => {
  restoreXhr = installReactNativeXMLHttpRequest();
  trpc = await serveFetch((req) =>
    fetchRequestHandler({
      endpoint: '/trpc',
      req,
      router,
      createContext: () => ({ authorization: req.headers.get('authorization') }),
    }),
  );
  // Not tRPC: a stream that ends cleanly without `return`, and a gateway's error page.
  plain = await serveNode((req, res) => {
    if (req.url === '/ends') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end('event: connected\ndata: {}\n\nid: 7\ndata: {"n":7}\n\n');
    } else {
      res.writeHead(502, { 'Content-Type': 'text/plain' }).end('Bad gateway');
    }
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await trpc?.close();
  await plain?.close();
  restoreXhr?.();
});

interface Seen {
  type: string;
  data?: unknown;
  lastEventId?: string | null;
  readyState: number;
}

/** An EventSource on `url`, recording every event tRPC listens for. */
function open(url: string, headers?: Record<string, string>) {
  const source = new ReactNativeEventSource(url, { headers });
  const seen: Seen[] = [];
  for (const type of ['connected', 'ping', 'message', 'serialized-error', 'return', 'error']) {
    source.addEventListener(type, (event: never) => {
      const e = event as { type: string; data?: string; lastEventId?: string | null };
      seen.push({
        type: e.type,
        data: e.data === undefined || e.data === '' ? e.data : JSON.parse(e.data),
        lastEventId: e.lastEventId,
        readyState: source.readyState,
      });
      // As httpSubscriptionLink does: `return` is the end.
      if (type === 'return') source.close();
    });
  }
  return { source, seen };
}

/**
 * Watches `source` from its first connection on: `attempts()` counts the library's calls of open()
 * (its first connection, then each reconnection it tries), `requests()` the requests made to `url`.
 */
function watch(source: ReactNativeEventSource, url: string) {
  const attempts = vi.spyOn(source, 'open');
  const opened = vi.spyOn(ReactNativeXMLHttpRequest.prototype, 'open');
  return {
    attempts: () => attempts.mock.calls.length,
    requests: () => opened.mock.calls.filter(([, to]) => to === url).length,
  };
}

const subscriptionUrl = (path: string) =>
  `${trpc.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(null))}`;

describe('the EventSource alone', () => {
  it('delivers connected, each message with its data and id, and return; with the headers given', async () => {
    const { source, seen } = open(subscriptionUrl('finite'), { Authorization: 'Bearer one' });
    await eventually(() => seen.some((e) => e.type === 'return'));
    source.close();
    expect(seen.map((e) => e.type)).toEqual(['connected', 'message', 'message', 'return']);
    expect(seen[0]?.data).toEqual({ reconnectAfterInactivityMs: 10_000 });
    expect(seen.slice(1, 3)).toEqual([
      { type: 'message', data: { n: 1, authorization: 'Bearer one' }, lastEventId: '1', readyState: 1 },
      { type: 'message', data: { n: 2, authorization: 'Bearer one' }, lastEventId: '2', readyState: 1 },
    ]);
  });

  it('delivers pings while nothing happens', async () => {
    const { source, seen } = open(subscriptionUrl('quiet'));
    await eventually(() => seen.filter((e) => e.type === 'ping').length >= 2);
    source.close();
    expect(seen[0]?.type).toBe('connected');
    expect(source.readyState).toBe(source.CLOSED);
  });

  it('delivers serialized-error with the error’s shape', async () => {
    const { source, seen } = open(subscriptionUrl('refused'));
    await eventually(() => seen.some((e) => e.type === 'serialized-error'));
    source.close();
    expect(seen.find((e) => e.type === 'serialized-error')?.data).toMatchObject({
      message: 'token expired',
      data: { code: 'UNAUTHORIZED', httpStatus: 401 },
    });
  });

  it('ends, CLOSED with one error, when the response ends without return: it does not reconnect', async () => {
    const url = `${plain.url}/ends`;
    const { source, seen } = open(url, { Authorization: 'Bearer old' });
    const watched = watch(source, url);
    // The library tries to reconnect 1 ms after the end: that attempt is where this EventSource ends
    // instead, closed (its timer cleared), so it is the last.
    await eventually(() => watched.attempts() >= 2);
    expect(watched.requests()).toBe(1);
    expect(seen.map((e) => e.type)).toEqual(['connected', 'message', 'error']);
    expect(seen[1]).toMatchObject({ data: { n: 7 }, lastEventId: '7' });
    expect(seen[2]?.readyState).toBe(2);
  });

  it('ends, CLOSED with one error, on an error status and when nothing answers', async () => {
    const gatewayUrl = `${plain.url}/gateway`;
    const gateway = open(gatewayUrl);
    const watchedGateway = watch(gateway.source, gatewayUrl);
    // As after an end: the library's attempt to reconnect ends it, without a request.
    await eventually(() => watchedGateway.attempts() >= 2);
    expect(watchedGateway.requests()).toBe(1);
    expect(gateway.seen).toEqual([expect.objectContaining({ type: 'error', readyState: 2 })]);

    const closed = await serveNode(() => {});
    const url = `${closed.url}/trpc/finite`;
    await closed.close();
    const nobody = open(url);
    const watchedNobody = watch(nobody.source, url);
    await eventually(() => nobody.seen.length > 0);
    // A request that got no answer: the library schedules no reconnection (the silent hang the
    // adapter's error replaces), and the error came once its request was over.
    expect(nobody.seen).toEqual([expect.objectContaining({ type: 'error', readyState: 2 })]);
    expect(watchedNobody.attempts()).toBe(1);
    expect(watchedNobody.requests()).toBe(1);
  });
});

describe('under httpSubscriptionLink', () => {
  function client() {
    let connections = 0;
    const api = createTRPCClient<typeof router>({
      links: [
        httpSubscriptionLink({
          url: `${trpc.url}/trpc`,
          EventSource: ReactNativeEventSource,
          // Called for every connection: each gets the token of its moment.
          eventSourceOptions: () => {
            connections += 1;
            return { headers: { Authorization: `Bearer token-${connections}` } };
          },
        }),
      ],
    });
    return { api, connections: () => connections };
  }

  it('hands each tracked event to onData with its id, and completes on return', async () => {
    const { api } = client();
    const data: unknown[] = [];
    let stopped = false;
    api.finite.subscribe(undefined, {
      onData: (event) => data.push(event),
      onStopped: () => {
        stopped = true;
      },
    });
    await eventually(() => stopped);
    expect(data).toEqual([
      { id: '1', data: { n: 1, authorization: 'Bearer token-1' } },
      { id: '2', data: { n: 2, authorization: 'Bearer token-1' } },
    ]);
  });

  it('ends the subscription with the server’s error, typed', async () => {
    const { api } = client();
    const errors: TRPCClientError<typeof router>[] = [];
    const data: unknown[] = [];
    api.refused.subscribe(undefined, {
      onData: (event) => data.push(event),
      onError: (error) => errors.push(error),
    });
    await eventually(() => errors.length > 0);
    expect(data).toEqual([{ id: '1', data: { n: 1 } }]);
    expect(errors[0]?.message).toBe('token expired');
    expect(errors[0]?.data?.code).toBe('UNAUTHORIZED');
  });

  it('ends the subscription with an error when the connection fails, so the app can subscribe again', async () => {
    let connections = 0;
    const api = createTRPCClient<typeof router>({
      links: [
        httpSubscriptionLink({
          url: `${plain.url}/gateway`,
          EventSource: ReactNativeEventSource,
          eventSourceOptions: () => {
            connections += 1;
            return {};
          },
        }),
      ],
    });
    const errors: Error[] = [];
    api.quiet.subscribe(undefined, { onError: (error) => errors.push(error) });
    await eventually(() => errors.length > 0);
    expect(connections).toBe(1);
  });
});
