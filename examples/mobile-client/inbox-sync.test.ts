// InboxSync's own logic on a stand-in API: what sync.changes answers is set by each test (by the
// `since` asked, one answer per call, which the test can hold back), the live stream's connections
// are driven by the test, and the calls made are recorded. The contract test runs the same client
// against the real server.
import { describe, expect, it } from 'vitest';
import type { Api } from './api.ts';
import type { Changes } from './catch-up.ts';
import { InboxSync } from './inbox-sync.ts';
import type { LiveEnvelope } from './live.ts';
import type { Conversation, Message } from './store.ts';

type Answer = Changes | Promise<Changes>;

interface Connection {
  lastEventId: string | null;
  started(): void;
  data(envelope: LiveEnvelope): void;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

function server() {
  /** What sync.changes answers, by the `since` asked: the next call takes the first. */
  const answers = new Map<string | null, Answer[]>();
  const calls: string[] = [];
  const connections: Connection[] = [];
  const api = {
    sync: {
      changes: {
        query: async ({ since }: { since: string | null }) => {
          calls.push(`sync.changes ${since}`);
          const answer = answers.get(since)?.shift();
          if (!answer) throw new Error(`no answer from ${since}`);
          return answer;
        },
      },
    },
    live: {
      events: {
        subscribe(
          input: { lastEventId: string | null },
          handlers: { onStarted(): void; onData(envelope: LiveEnvelope): void },
        ) {
          connections.push({
            lastEventId: input.lastEventId,
            started: () => handlers.onStarted(),
            data: (envelope) => handlers.onData(envelope),
          });
          return { unsubscribe() {} };
        },
      },
    },
  } as unknown as Api;
  const applied: LiveEnvelope[][] = [];
  const sync = new InboxSync({
    api,
    workspaceId: 'workspace',
    position: 'saved',
    refreshToken: async () => {},
    onApplied: (events) => applied.push(events),
  });
  return {
    sync,
    answer: (since: string, ...answer: Answer[]) =>
      answers.set(since, [...(answers.get(since) ?? []), ...answer]),
    calls,
    connections,
    applied,
    last: () => connections.at(-1) as Connection,
  };
}

const changes = (of: Partial<Changes> & { next: string }): Changes => ({
  conversations: [],
  messages: [],
  deleted: { conversationIds: [], messageIds: [] },
  refetch: [],
  hasMore: false,
  resyncRequired: false,
  ...of,
});

const conversation = (version: number, preview: string) =>
  ({
    id: 'conversation',
    version,
    lastMessagePreview: preview,
    lastMessageAt: `2026-12-01T10:00:0${version}.000Z`,
    unreadCount: 0,
    status: 'ACTIVE',
    assignedTo: null,
  }) as unknown as Conversation;

const message = (status: string) =>
  ({
    id: 'reply',
    conversationId: 'conversation',
    text: 'On its way',
    status,
    occurredAt: '2026-12-01T10:00:00.000Z',
  }) as unknown as Message & { conversationId: string };

const event = (id: string, data: Record<string, unknown>) => ({ id, data }) as unknown as LiveEnvelope;

/** Lets every callback already due run (resolved promises' continuations). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('live events', () => {
  it('apply each batch with sync.changes from where the copy was caught up, even when the last event id stands inside a server read', async () => {
    const s = server();
    s.answer('saved', changes({ next: 'read-1' }));
    await s.sync.start();
    await settle();
    s.last().started();

    // The reply is sent: its event's id stands inside the server's second read.
    s.answer(
      'read-1',
      changes({
        next: 'read-2',
        conversations: [conversation(2, 'On its way')],
        messages: [message('QUEUED')],
      }),
    );
    s.last().data(
      event('inside-read-2', { type: 'messageCreated', messageId: 'reply', conversationId: 'conversation' }),
    );
    await settle();
    // It reaches SENT. From inside a read, sync.changes reads only to that read's end.
    s.answer('inside-read-2', changes({ next: 'read-2' }));
    s.answer('read-2', changes({ next: 'read-3', messages: [message('SENT')] }));
    s.last().data(event('read-3', { type: 'messageUpdated', messageId: 'reply', status: 'SENT' }));
    await settle();

    expect(s.applied).toHaveLength(2);
    expect(s.sync.store.message('reply')?.status).toBe('SENT');
    expect(s.sync.store.conversationList()).toEqual([conversation(2, 'On its way')]);
    // The stream's position, not the catch-up's.
    expect(s.sync.position).toBe('read-3');
  });

  it('apply a type this version does not know the same way: what changed comes from sync.changes', async () => {
    const s = server();
    s.answer('saved', changes({ next: 'read-1' }));
    await s.sync.start();
    await settle();
    s.last().started();
    s.answer('read-1', changes({ next: 'read-2', deleted: { conversationIds: [], messageIds: ['reply'] } }));
    s.sync.store.putMessages([message('SENT')]);

    s.last().data(event('read-2', { type: 'messageDeleted', messageId: 'reply' }));
    await settle();

    expect(s.sync.store.message('reply')).toBeUndefined();
  });
});

describe('start() and stop()', () => {
  it('start() twice at once (back in front, a notification tapped) catches up once: the position cannot go back', async () => {
    const s = server();
    const first = deferred<Changes>();
    const second = deferred<Changes>();
    s.answer('saved', first.promise, second.promise);
    const starts = [s.sync.start(), s.sync.start()];
    // Had both been asked, the second read would be the newer, and answer first.
    second.resolve(changes({ next: 'read-2' }));
    first.resolve(changes({ next: 'read-1' }));
    const [a, b] = await Promise.all(starts);
    await settle();

    expect(s.calls).toEqual(['sync.changes saved']);
    expect(b).toBe(a);
    expect(s.sync.position).toBe('read-1');
    expect(s.connections.map((c) => c.lastEventId)).toEqual(['read-1']);
  });

  it('a start() right after a stop() catches up from after the batch the stop was finishing', async () => {
    const s = server();
    s.answer('saved', changes({ next: 'read-1' }));
    await s.sync.start();
    await settle();
    s.last().started();
    const batch = deferred<Changes>();
    s.answer('read-1', batch.promise);
    s.last().data(
      event('event-1', { type: 'messageCreated', messageId: 'reply', conversationId: 'conversation' }),
    );
    await settle();

    const stopped = s.sync.stop();
    const started = s.sync.start();
    s.answer('event-1', changes({ next: 'read-3' }));
    batch.resolve(changes({ next: 'read-2', messages: [message('SENT')] }));
    await stopped;
    const result = await started;
    await settle();

    expect(s.calls).toEqual(['sync.changes saved', 'sync.changes read-1', 'sync.changes event-1']);
    expect(result?.next).toBe('read-3');
    expect(s.last().lastEventId).toBe('read-3');
    expect(s.sync.store.message('reply')?.status).toBe('SENT');
  });
});
