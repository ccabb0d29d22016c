// An app back from offline catches up with `sync.changes` (and fetches what a live event named with
// `messages.byIds`), over real HTTP as a mobile app calls them. A model app applies what each call
// returns to its copy of the workspace; whatever happened meanwhile (conversations and messages
// created, changed, deleted, purged, in another workspace too, and the business's own conversation
// with itself, which the inbox never lists), and however small its pages, its copy ends equal to
// what the inbox shows.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import { type ApiStack, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { eventually } from '#dev/test/eventually.ts';
import { listenLive } from '#dev/test/mobile-client.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { purgeLiveEvents } from '../realtime/live-events.repository.ts';
import { createWorkspace } from '../team/index.ts';

let stack: ApiStack;
let alice: TestOperator;
let bob: TestOperator;

beforeAll(async () => {
  stack = await startApiStack();
  [alice, bob] = await Promise.all([
    signUpOperator(stack.supabase, 'alice'),
    signUpOperator(stack.supabase, 'bob'),
  ]);
});

afterAll(() => stack?.stop());

const client = () => operatorClient(stack.api, alice);

let accounts = 0;
/** A workspace of Alice's with one account; `owner` makes it someone else's. */
async function workspace(owner = alice) {
  accounts += 1;
  const id = (await createWorkspace(stack.services.db, owner.actor, 'Shop')).id;
  const { rows } = await stack.database.query<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier)
     values ($1, 'instagram', $2) returning id`,
    [id, `1784140${String(accounts).padStart(10, '0')}`],
  );
  return { id, connectionId: rows[0]?.id as string };
}

type Workspace = Awaited<ReturnType<typeof workspace>>;

let contacts = 0;
async function newConversation(w: Workspace, isSelf = false): Promise<string> {
  contacts += 1;
  const { rows } = await stack.database.query<{ id: string }>(
    `insert into conversations (workspace_id, channel_connection_id, contact_identifier, contact_name, is_self)
     values ($1, $2, $3, 'Marco', $4) returning id`,
    [w.id, w.connectionId, `5830${String(contacts).padStart(12, '0')}`, isSelf],
  );
  return rows[0]?.id as string;
}

async function newMessage(w: Workspace, conversationId: string, text: string): Promise<string> {
  const { rows } = await stack.database.query<{ id: string }>(
    `with m as (insert into conversation_messages (workspace_id, conversation_id, channel_connection_id,
                  direction, content, status, external_message_id)
                values ($1, $2, $3, 'INBOUND', $4, 'RECEIVED', $5) returning id)
     update conversations set unread_count = unread_count + 1, last_message_preview = $4
     where id = $2 returning (select id from m)`,
    [w.id, conversationId, w.connectionId, text, `mid.${randomUUID()}`],
  );
  return rows[0]?.id as string;
}

async function start(w: Workspace): Promise<string> {
  const begin = await client().sync.changes.query({ workspaceId: w.id, since: null });
  expect(begin).toMatchObject({ resyncRequired: true, conversations: [], messages: [], hasMore: false });
  return begin.next;
}

it('returns what changed since a position: conversations and messages as they are now, and deletions', async () => {
  const shop = await workspace();
  const other = await workspace(bob);
  const since = await start(shop);

  const kept = await newConversation(shop);
  const first = await newMessage(shop, kept, 'Hi, is the blue vase still available?');
  const second = await newMessage(shop, kept, 'And in green?');
  await stack.database.query("update conversation_messages set status = 'READ' where id = $1", [first]);
  const erased = await newConversation(shop);
  await newMessage(shop, erased, 'Delete me');
  await stack.database.query('delete from conversations where id = $1', [erased]);
  const elsewhere = await newConversation(other);
  const elsewhereMessage = await newMessage(other, elsewhere, 'Not yours');

  const changes = await client().sync.changes.query({ workspaceId: shop.id, since });
  expect(changes).toMatchObject({ resyncRequired: false, hasMore: false, refetch: [] });
  expect(changes.conversations).toEqual([
    expect.objectContaining({ id: kept, unreadCount: 2, lastMessagePreview: 'And in green?', version: 3 }),
  ]);
  expect(changes.messages.map((m) => [m.id, m.conversationId, m.text, m.status])).toEqual([
    [first, kept, 'Hi, is the blue vase still available?', 'READ'],
    [second, kept, 'And in green?', 'RECEIVED'],
  ]);
  expect(changes.deleted).toEqual({ conversationIds: [erased], messageIds: [] });

  // Nothing more since; the next position is where the stream goes on.
  const again = await client().sync.changes.query({ workspaceId: shop.id, since: changes.next });
  expect(again).toMatchObject({
    conversations: [],
    messages: [],
    deleted: { conversationIds: [], messageIds: [] },
  });

  // Messages by id: what the workspace holds; the rest (another's, unknown) is missing.
  const unknown = randomUUID();
  const byIds = await client().messages.byIds.query({
    workspaceId: shop.id,
    messageIds: [second, first, elsewhereMessage, unknown],
  });
  expect(byIds.messages.map((m) => m.id)).toEqual([first, second]);
  expect(byIds.missing).toEqual([elsewhereMessage, unknown]);
});

it('takes a live event id as its position, and the stream takes its `next`', async () => {
  const shop = await workspace();
  const live = listenLive(stack.api, alice.session.access_token, { workspaceId: shop.id });
  await eventually(() => live.received.length > 0);
  const seen = await newConversation(shop);
  await eventually(() => live.received.some((r) => r.data.type === 'conversationUpdated'));
  live.stop();
  const missed = await newConversation(shop);

  const changes = await client().sync.changes.query({
    workspaceId: shop.id,
    since: live.received.at(-1)?.id ?? null,
  });
  expect(changes.conversations.map((c) => c.id)).toEqual([missed]);
  expect(changes.conversations.map((c) => c.id)).not.toContain(seen);

  const resumed = listenLive(stack.api, alice.session.access_token, {
    workspaceId: shop.id,
    lastEventId: changes.next,
  });
  const next = await newConversation(shop);
  await eventually(() => resumed.received.length > 0);
  expect(resumed.received.map((r) => r.data)).toEqual([expect.objectContaining({ conversationId: next })]);
  resumed.stop();
});

it('says hasMore after the rest of a page, when changes committed since wait beyond it', async () => {
  const shop = await workspace();
  const since = await start(shop);
  const first = [await newConversation(shop), await newConversation(shop), await newConversation(shop)];
  const page = await client().sync.changes.query({ workspaceId: shop.id, since, limit: 2 });
  expect(page.hasMore).toBe(true);
  const later = await newConversation(shop);

  // The rest of what the first call saw, then what committed after it: nothing is left behind a
  // `hasMore: false`.
  const seen = new Set(page.conversations.map((c) => c.id));
  let position = page.next;
  for (let calls = 0; ; calls++) {
    expect(calls).toBeLessThan(5);
    const changes = await client().sync.changes.query({ workspaceId: shop.id, since: position, limit: 2 });
    for (const c of changes.conversations) seen.add(c.id);
    position = changes.next;
    if (!changes.hasMore) break;
  }
  expect([...seen].sort()).toEqual([...first, later].sort());
});

it('asks for a resync when the position is older than the log keeps, and refuses one it never issued', async () => {
  const shop = await workspace();
  const since = await start(shop);
  await newConversation(shop);
  await stack.services.db.withService((trx) => purgeLiveEvents(trx, new Date(Date.now() + 60_000), 10_000));
  const changes = await client().sync.changes.query({ workspaceId: shop.id, since });
  expect(changes).toMatchObject({ resyncRequired: true, conversations: [] });
  expect(
    (await client().sync.changes.query({ workspaceId: shop.id, since: changes.next })).resyncRequired,
  ).toBe(false);

  const refused = await apiRefusal(client().sync.changes.query({ workspaceId: shop.id, since: 'yesterday' }));
  expect(refused.data?.code).toBe('BAD_REQUEST');
  expect(refused.message).toBe('since is not a position this API returned');
  const outsider = await apiRefusal(
    operatorClient(stack.api, bob).sync.changes.query({ workspaceId: shop.id, since: changes.next }),
  );
  expect(outsider.data?.code).toBe('NOT_FOUND');
});

describe('against a model app', () => {
  it.each([1, 2, 3])('seed %i', async (seed) => {
    const random = seededRandom(seed);
    const pick = <T>(items: T[]): T => items[Math.floor(random.next() * items.length)] as T;
    const shop = await workspace();
    const other = await workspace(bob);
    // The app's copy: conversations and messages by id, with what it shows of them.
    const copy = {
      conversations: new Map<string, { unreadCount: number; version: number }>(),
      messages: new Map<string, { conversationId: string; status: string }>(),
    };
    let position = await start(shop);
    const catchUp = async () => {
      for (;;) {
        const limit = 1 + Math.floor(random.next() * 6);
        const changes = await client().sync.changes.query({ workspaceId: shop.id, since: position, limit });
        for (const c of changes.conversations) {
          const held = copy.conversations.get(c.id);
          if (!held || held.version <= c.version) copy.conversations.set(c.id, c);
        }
        for (const m of changes.messages) copy.messages.set(m.id, m);
        for (const id of changes.deleted.conversationIds) {
          copy.conversations.delete(id);
          for (const [messageId, m] of copy.messages)
            if (m.conversationId === id) copy.messages.delete(messageId);
        }
        for (const id of changes.deleted.messageIds) copy.messages.delete(id);
        position = changes.next;
        if (!changes.hasMore) return;
      }
    };

    const conversations: string[] = [];
    const messages: string[] = [];
    for (let step = 0; step < 60; step++) {
      const roll = random.next();
      if (roll < 0.2 || conversations.length === 0) conversations.push(await newConversation(shop));
      else if (roll < 0.55) messages.push(await newMessage(shop, pick(conversations), `m${step}`));
      else if (roll < 0.7 && messages.length > 0) {
        await stack.database.query('update conversation_messages set status = $2 where id = $1', [
          pick(messages),
          pick(['READ', 'DELIVERED', 'FAILED']),
        ]);
      } else if (roll < 0.8) {
        await stack.database.query('update conversations set unread_count = 0 where id = $1', [
          pick(conversations),
        ]);
      } else if (roll < 0.85) {
        const gone = conversations.splice(Math.floor(random.next() * conversations.length), 1)[0];
        await stack.database.query('delete from conversations where id = $1', [gone]);
      } else if (roll < 0.9) {
        // The retention purge: the oldest messages of the workspace, in one statement.
        await stack.database.query(
          `delete from conversation_messages where id in (
             select id from conversation_messages where workspace_id = $1 order by occurred_at, id limit $2)`,
          [shop.id, 1 + Math.floor(random.next() * 4)],
        );
      } else if (roll < 0.93) {
        await newMessage(shop, await newConversation(shop, true), 'a note to self');
      } else if (roll < 0.96) {
        await newMessage(other, await newConversation(other), 'elsewhere');
      } else {
        await catchUp(); // the app comes online for a moment
      }
    }
    await catchUp();

    const { rows: truthConversations } = await stack.database.query<{
      id: string;
      unread: number;
      version: string;
    }>(
      'select id, unread_count as unread, version from conversations where workspace_id = $1 and not is_self',
      [shop.id],
    );
    const { rows: truthMessages } = await stack.database.query<{
      id: string;
      conversation: string;
      status: string;
    }>(
      `select m.id, m.conversation_id as conversation, m.status from conversation_messages m
       join conversations c on c.id = m.conversation_id where m.workspace_id = $1 and not c.is_self`,
      [shop.id],
    );
    const sorted = <T extends [string, ...unknown[]]>(entries: T[]) =>
      entries.sort((a, b) => a[0].localeCompare(b[0]));
    expect(sorted([...copy.conversations].map(([id, c]) => [id, c.unreadCount, c.version]))).toEqual(
      sorted(truthConversations.map((c) => [c.id, c.unread, Number(c.version)])),
    );
    expect(sorted([...copy.messages].map(([id, m]) => [id, m.conversationId, m.status]))).toEqual(
      sorted(truthMessages.map((m) => [m.id, m.conversation, m.status])),
    );
  });
});
