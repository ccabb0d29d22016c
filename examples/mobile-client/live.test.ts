// LiveStream's own logic, on a stand-in for api.live.events.subscribe whose connections the test
// drives (started, events, errors) and counts, and an `apply` and `refreshToken` that resolve when
// the test says: the interleavings of stop(), start(), reconnections and batches, step by step.
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import type { Api, ErrorReason } from './api.ts';
import { type LiveEnvelope, type LiveStatus, LiveStream } from './live.ts';

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface Connection {
  lastEventId: string | null;
  open: boolean;
  started(): void;
  data(envelope: LiveEnvelope): void;
  error(error: Error): void;
}

/** A stream on a stand-in API; `applies` holds each batch's resolver, in order, until the test settles it. */
function stream(
  options: { refreshToken?: () => Promise<void>; onPosition?: (position: string) => void } = {},
) {
  const connections: Connection[] = [];
  const api = {
    live: {
      events: {
        subscribe(
          input: { lastEventId: string | null },
          handlers: {
            onStarted(): void;
            onData(envelope: LiveEnvelope): void;
            onError(error: Error): void;
          },
        ) {
          const connection: Connection = {
            lastEventId: input.lastEventId,
            open: true,
            started: () => handlers.onStarted(),
            data: (envelope) => handlers.onData(envelope),
            error: (error) => handlers.onError(error),
          };
          connections.push(connection);
          return {
            unsubscribe() {
              connection.open = false;
            },
          };
        },
      },
    },
  } as unknown as Api;
  const applies: { events: LiveEnvelope[]; done: Deferred }[] = [];
  const statuses: LiveStatus[] = [];
  const live = new LiveStream({
    api,
    workspaceId: 'workspace',
    from: null,
    apply: (events) => {
      const done = deferred();
      applies.push({ events, done });
      return done.promise;
    },
    refreshToken: options.refreshToken ?? (async () => {}),
    onStatus: (status) => statuses.push(status),
    onPosition: options.onPosition,
    reconnectDelayMs: () => 60_000,
  });
  return {
    live,
    applies,
    statuses,
    connections,
    open: () => connections.filter((c) => c.open),
    last: () => connections.at(-1) as Connection,
  };
}

const event = (id: string): LiveEnvelope =>
  ({ id, data: { type: 'teamUpdated' } }) as unknown as LiveEnvelope;

const refused = (reason: ErrorReason) =>
  new TRPCClientError(reason, { result: { error: { data: { reason } } } } as never);

/** Lets every callback already due run (resolved promises' continuations). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('stop() and start() while the stream is between connections', () => {
  it('a restart during a token refresh ends that reconnection: one connection, live', async () => {
    const refresh = deferred();
    const s = stream({ refreshToken: () => refresh.promise });
    s.live.start();
    await settle();
    s.last().started();
    s.last().error(refused('token_expired'));
    await settle();
    expect(s.statuses.at(-1)?.state).toBe('refreshing');

    const stopped = s.live.stop();
    s.live.start();
    await stopped;
    await settle();
    s.last().started();
    refresh.resolve();
    await settle();

    expect(s.open()).toHaveLength(1);
    expect(s.statuses.at(-1)?.state).toBe('live');
  });

  it('a restart while a dropped connection’s events are applied ends that reconnection: one connection, live, resumed after them', async () => {
    const s = stream();
    s.live.start();
    await settle();
    s.last().started();
    s.last().data(event('1'));
    s.last().error(new Error('dropped'));
    await settle();

    const stopped = s.live.stop();
    s.live.start();
    s.applies[0]?.done.resolve();
    await stopped;
    await settle();
    s.last().started();
    await settle();

    expect(s.open()).toHaveLength(1);
    expect(s.last().lastEventId).toBe('1');
    expect(s.statuses.at(-1)?.state).toBe('live');
  });

  it('a start() while stop() waits for a batch is not reported stopped, and resumes after that batch', async () => {
    const s = stream();
    s.live.start();
    await settle();
    s.last().started();
    s.last().data(event('1'));
    await settle();

    const stopped = s.live.stop();
    s.live.start();
    s.applies[0]?.done.resolve();
    await stopped;
    await settle();

    expect(s.connections).toHaveLength(2);
    expect(s.open()).toHaveLength(1);
    expect(s.last().lastEventId).toBe('1');
    expect(s.statuses.at(-1)?.state).toBe('connecting');
    expect(s.live.running).toBe(true);
  });
});

describe('applying', () => {
  it('applies an event that arrives just as a batch is done, without waiting for another', async () => {
    const s = stream({
      // The batch is done (its position kept); the next event comes in the same moment, before
      // anything else runs.
      onPosition: (position) => {
        if (position === '1') queueMicrotask(() => s.last().data(event('2')));
      },
    });
    s.live.start();
    await settle();
    s.last().started();
    s.last().data(event('1'));
    await settle();
    s.applies[0]?.done.resolve();
    await settle();

    expect(s.applies.map((a) => a.events.map((e) => e.id))).toEqual([['1'], ['2']]);
  });
});
