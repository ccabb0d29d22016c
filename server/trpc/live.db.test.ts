// The mobile live feed as a mobile app uses it: @trpc/client's SSE subscription link with a
// bearer token, over real HTTP. Events are typed and camelCase; a new subscriber gets no stale
// burst; a resume from an event's id gets exactly what came after it (nothing repeated, nothing
// skipped, however late a transaction commits); one transaction's events keep their order; a
// resume point the log no longer covers is told to resync, and one it never issued is refused.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import { type ApiStack, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { eventually } from '#dev/test/eventually.ts';
import { type LiveSubscription, listenLive, type ReceivedLiveEvent } from '#dev/test/mobile-client.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { purgeLiveEvents } from '../realtime/live-events.repository.ts';
import { createWorkspace } from '../team/index.ts';
import { LIVE_PING_MS } from './init.ts';

let stack: ApiStack;
let alice: TestOperator;
let bob: TestOperator;
let workspaceId: string;
let connectionId: string;

beforeAll(async () => {
  stack = await startApiStack();
  const { supabase, services } = stack;
  [alice, bob] = await Promise.all([signUpOperator(supabase, 'alice'), signUpOperator(supabase, 'bob')]);
  workspaceId = (await createWorkspace(services.db, alice.actor, 'Alice Art')).id;
  const { rows } = await stack.database.query<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier)
     values ($1, 'instagram', '17841400000090001') returning id`,
    [workspaceId],
  );
  connectionId = rows[0]?.id as string;
});

afterAll(() => stack?.stop());

const listen = (lastEventId?: string, token = alice.session.access_token) =>
  listenLive(stack.api, token, { workspaceId, lastEventId });

let contacts = 0;
/** A new conversation, committed: the workspace's news. */
async function somethingHappens(client?: pg.Client): Promise<string> {
  contacts += 1;
  const query = client ? client.query.bind(client) : stack.database.query;
  const { rows } = await query<{ id: string }>(
    `insert into conversations (workspace_id, channel_connection_id, contact_identifier)
     values ($1, $2, $3) returning id`,
    [workspaceId, connectionId, `58300000000${String(contacts).padStart(5, '0')}`],
  );
  return rows[0]?.id as string;
}

/** A client of its own, for a transaction held open across other work. */
async function connection(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: stack.database.superuserUrl });
  await client.connect();
  return client;
}

const conversationIds = (received: ReceivedLiveEvent[]) =>
  received.flatMap((r) => (r.data.type === 'conversationUpdated' ? [r.data.conversationId] : []));

/** Subscribes and waits for the stream to stand (its first event). */
async function subscribed(lastEventId?: string): Promise<LiveSubscription> {
  const live = listen(lastEventId);
  await eventually(() => live.received.length > 0 || live.errors.length > 0);
  return live;
}

it('starts a new subscriber with resyncRequired and nothing older, then streams typed events', async () => {
  const before = await somethingHappens();
  const live = await subscribed();
  expect(live.received[0]?.data).toMatchObject({ type: 'resyncRequired', reason: 'subscribed' });

  const after = await somethingHappens();
  await eventually(() => conversationIds(live.received).includes(after));
  expect(conversationIds(live.received)).toEqual([after]); // no stale burst: `before` never comes
  expect(conversationIds(live.received)).not.toContain(before);
  expect(live.received.at(-1)?.data).toEqual({
    type: 'conversationUpdated',
    conversationId: after,
    unreadCount: 0,
    status: 'ACTIVE',
    version: 1,
    at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
  });
  live.stop();
});

it('resumes exactly after the last event: what was missed comes once, nothing seen comes again', async () => {
  const first = await subscribed();
  const seen = await somethingHappens();
  await eventually(() => conversationIds(first.received).includes(seen));
  first.stop();

  const missed = [await somethingHappens(), await somethingHappens()];
  const resumed = listen(first.received.at(-1)?.id);
  const after = await somethingHappens();
  await eventually(() => conversationIds(resumed.received).includes(after));
  expect(conversationIds(resumed.received)).toEqual([...missed, after]);
  expect(resumed.received.map((r) => r.data.type)).not.toContain('resyncRequired');
  resumed.stop();
});

it('delivers a transaction that commits late exactly once, live and on resume', async () => {
  const live = await subscribed();
  const slow = await connection();
  try {
    await slow.query('begin');
    const late = await somethingHappens(slow); // written first, committed last
    const early = await somethingHappens();
    await eventually(() => conversationIds(live.received).includes(early));
    const afterEarly = live.received.at(-1)?.id as string;

    await slow.query('commit');
    await eventually(() => conversationIds(live.received).includes(late));
    expect(conversationIds(live.received)).toEqual([early, late]);

    // Resuming from the early event still brings the late one (it had not committed then)…
    const fromEarly = listen(afterEarly);
    // …and resuming from the late one repeats neither.
    const fromLate = listen(live.received.at(-1)?.id);
    const next = await somethingHappens();
    await eventually(() => conversationIds(fromEarly.received).includes(next));
    await eventually(() => conversationIds(fromLate.received).includes(next));
    expect(conversationIds(fromEarly.received)).toEqual([late, next]);
    expect(conversationIds(fromLate.received)).toEqual([next]);
    fromEarly.stop();
    fromLate.stop();
  } finally {
    await slow.end();
    live.stop();
  }
});

it('moves past a logged event whose body breaks its type, instead of failing on it until it is purged', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    const live = await subscribed();
    const from = live.received.at(-1)?.id;
    await stack.database.query(
      `insert into live_events (workspace_id, event, body)
       values ($1, 'conversation_updated', '{"conversation_id": "not-an-id", "status": "ACTIVE"}')`,
      [workspaceId],
    );
    const after = await somethingHappens();
    await eventually(() => conversationIds(live.received).includes(after));
    live.stop();
    const resumed = listen(from);
    const later = await somethingHappens();
    await eventually(() => conversationIds(resumed.received).includes(later));
    resumed.stop();
    expect([live.errors, resumed.errors]).toEqual([[], []]);
    expect(conversationIds(resumed.received)).toEqual([after, later]);
    const changes = await operatorClient(stack.api, alice).sync.changes.query({
      workspaceId,
      since: from ?? null,
    });
    expect(changes.conversations.map((c) => c.id).sort()).toEqual([after, later].sort());
    expect(warn).toHaveBeenCalledWith(
      "live: a logged conversation_updated was skipped; its conversationId, unreadCount, version broke the event's type",
    );
  } finally {
    warn.mockRestore();
  }
});

it('keeps one transaction’s events in the order it made them, versions rising', async () => {
  const conversation = await somethingHappens();
  const live = await subscribed();
  const client = await connection();
  try {
    await client.query('begin');
    for (const unread of [21, 20, 19]) {
      await client.query('update conversations set unread_count = $2 where id = $1', [conversation, unread]);
    }
    await client.query('commit');
  } finally {
    await client.end();
  }
  const updates = () =>
    live.received.flatMap((r) =>
      r.data.type === 'conversationUpdated' && r.data.conversationId === conversation ? [r.data] : [],
    );
  await eventually(() => updates().length === 3);
  expect(updates().map((u) => [u.unreadCount, u.version])).toEqual([
    [21, 2],
    [20, 3],
    [19, 4],
  ]);
  live.stop();
});

it('may give two transactions’ changes of one conversation out of commit order; the version settles it', async () => {
  const conversation = await somethingHappens();
  const before = await subscribed();
  const from = before.received.at(-1)?.id;
  before.stop();
  const [early, late] = [await connection(), await connection()];
  try {
    // `early` takes its transaction id first but changes the conversation last. A reader that
    // meets both in one read takes them in transaction order: the newer change first.
    await early.query('begin');
    await early.query('select pg_current_xact_id()');
    await late.query('update conversations set unread_count = 5 where id = $1', [conversation]);
    await early.query('update conversations set unread_count = 0 where id = $1', [conversation]);
    await early.query('commit');
  } finally {
    await Promise.all([early.end(), late.end()]);
  }
  const live = listen(from);
  const updates = () =>
    live.received.flatMap((r) =>
      r.data.type === 'conversationUpdated' && r.data.conversationId === conversation ? [r.data] : [],
    );
  await eventually(() => updates().length === 2);
  live.stop();
  expect(updates().map((u) => [u.unreadCount, u.version])).toEqual([
    [0, 3],
    [5, 2],
  ]);
  // An app that keeps the higher version ends where the database is.
  const kept = updates().reduce((held, u) => (u.version > held.version ? u : held));
  const { rows } = await stack.database.query(
    'select unread_count, version from conversations where id = $1',
    [conversation],
  );
  expect(rows[0]).toEqual({ unread_count: kept.unreadCount, version: String(kept.version) });
});

describe('against a model: concurrent transactions, commits and rollbacks, reconnects anywhere', () => {
  // Four writers each own a conversation and run transactions of 1–3 updates, committing or rolling
  // back at random, interleaved; the app drops its connection at random points and resumes from
  // its last event. Whatever the interleaving, the app ends up with exactly the committed updates,
  // each once, every conversation's in the order they were made.
  it.each([1, 2, 3])('seed %i', async (seed) => {
    const random = seededRandom(seed);
    const writers = await Promise.all(
      [0, 1, 2, 3].map(async () => ({
        client: await connection(),
        conversation: await somethingHappens(),
        open: [] as number[],
      })),
    );
    let unread = 100;
    const committed = new Map<string, number[]>(); // conversation → unread counts, in order
    const received: ReceivedLiveEvent[] = [];
    let live = await subscribed();
    const start = live.received[0]?.id as string;
    let reconnects = 0;
    const collect = () => {
      received.push(...live.received.filter((r) => r.data.type !== 'resyncRequired'));
    };
    try {
      for (let step = 0; step < 60; step++) {
        const writer = writers[Math.floor(random.next() * writers.length)] as (typeof writers)[number];
        const roll = random.next();
        if (writer.open.length > 0 && roll < 0.3) {
          const commit = random.next() < 0.75;
          await writer.client.query(commit ? 'commit' : 'rollback');
          if (commit)
            committed.set(writer.conversation, [
              ...(committed.get(writer.conversation) ?? []),
              ...writer.open,
            ]);
          writer.open = [];
        } else if (writer.open.length < 3) {
          if (writer.open.length === 0) await writer.client.query('begin');
          unread += 1;
          await writer.client.query('update conversations set unread_count = $2 where id = $1', [
            writer.conversation,
            unread,
          ]);
          writer.open.push(unread);
        }
        if (random.next() < 0.1) {
          // The phone loses its connection, and comes back where it was.
          live.stop();
          collect();
          live = listen(received.at(-1)?.id ?? start);
          reconnects += 1;
        }
      }
      for (const writer of writers.filter((w) => w.open.length > 0)) {
        await writer.client.query('commit');
        committed.set(writer.conversation, [...(committed.get(writer.conversation) ?? []), ...writer.open]);
      }
      const total = [...committed.values()].reduce((sum, counts) => sum + counts.length, 0);
      const updates = () =>
        [...received, ...live.received].filter((r) => r.data.type === 'conversationUpdated');
      await eventually(() => updates().length >= total);
      live.stop();
      collect();

      const got = new Map<string, number[]>();
      for (const r of received) {
        if (r.data.type !== 'conversationUpdated') continue;
        got.set(r.data.conversationId, [...(got.get(r.data.conversationId) ?? []), r.data.unreadCount]);
      }
      expect(got).toEqual(committed);
      expect(new Set(received.map((r) => r.id)).size).toBe(received.length);
      expect(reconnects).toBeGreaterThan(0);
    } finally {
      live.stop();
      await Promise.all(writers.map((w) => w.client.end()));
    }
  });
});

it('tells an app whose resume point is older than the log keeps to resync, then goes on', async () => {
  const live = await subscribed();
  await somethingHappens();
  await eventually(() => live.received.length > 1);
  live.stop();
  const stale = live.received.at(-1)?.id as string;
  await somethingHappens(); // missed, then purged
  await stack.services.db.withService((trx) => purgeLiveEvents(trx, new Date(Date.now() + 60_000), 10_000));

  const resumed = await subscribed(stale);
  expect(resumed.received[0]?.data).toMatchObject({ type: 'resyncRequired', reason: 'resumePointExpired' });
  const next = await somethingHappens();
  await eventually(() => conversationIds(resumed.received).includes(next));
  expect(conversationIds(resumed.received)).toEqual([next]);
  resumed.stop();

  // Whether and when a workspace's log was purged is for its members to know.
  const purgedThrough = (actor: typeof alice.actor) =>
    stack.services.db.withUser(actor, async (trx) => {
      const { rows } = await sql<{ through: string }>`
        select private.live_events_purged_through(${workspaceId}::uuid)::text as through`.execute(trx);
      return rows[0]?.through;
    });
  expect(await purgedThrough(alice.actor)).not.toBe('0');
  expect(await purgedThrough(bob.actor)).toBe('0');
});

it('refuses a resume point it never issued, once, instead of reconnecting to it', async () => {
  const first = await subscribed();
  first.stop();
  const issued = Buffer.from(first.received[0]?.id as string, 'base64url').toString();
  const encoded = (text: string) => Buffer.from(text).toString('base64url');
  const badOnes = [
    'not-an-event-id',
    encoded('l1|999999999:999999999:'), // from the future
    encoded(`${issued}|7`), // tampered
    encoded('l1|9:3:'), // xmin after xmax
    encoded('l1|3:9:12'), // in progress after xmax
  ];
  for (const bad of badOnes) {
    const live = listen(bad);
    await eventually(() => live.errors.length > 0);
    expect(live.errors[0]?.message).toBe('lastEventId is not a position this API returned');
    expect((live.errors[0] as { data?: { code?: string } }).data?.code).toBe('BAD_REQUEST');
    expect(live.connections).toBeLessThanOrEqual(1);
    live.stop();
  }
});

it('refuses a non-member and a bad token', async () => {
  const outsider = listen(undefined, bob.session.access_token);
  await eventually(() => outsider.errors.length > 0);
  expect(outsider.errors[0]?.message).toBe('Workspace not found');
  outsider.stop();
  const forged = listen(undefined, 'not-a-token');
  await eventually(() => forged.errors.length > 0);
  expect(forged.errors[0]?.message).toMatch(/token/i);
  forged.stop();
});

it('keeps a quiet stream alive with pings, and tells the client when to give up on silence', async () => {
  const response = await fetch(
    `${stack.api.url}/api/trpc/live.events?input=${encodeURIComponent(JSON.stringify({ workspaceId }))}`,
    { headers: { Authorization: `Bearer ${alice.session.access_token}`, Accept: 'text/event-stream' } },
  );
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const started = Date.now();
  try {
    while (!/event: ping/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel();
  }
  expect(text).toMatch(/event: ping/);
  expect(Date.now() - started).toBeGreaterThanOrEqual(LIVE_PING_MS - 1000);
  const connected = /event: connected\ndata: (.*)\n/.exec(text)?.[1] as string;
  expect(JSON.parse(connected).reconnectAfterInactivityMs).toBeGreaterThan(LIVE_PING_MS);
}, 30_000);
