// The database's triggers and topics.ts name the same things. Each write the inbox makes is
// published on the topics the module names, under its event names, with the same small payloads,
// and wakes the live feed (which listens on the module's channel); writes the inbox does not
// show publish nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { createLiveFeed, type LiveFeed } from './live-feed.ts';
import {
  BROADCAST_EVENTS,
  conversationTopic,
  LIVE_FEED_CHANNEL,
  LOG_ONLY_EVENTS,
  workspaceTopic,
} from './topics.ts';

let database: TestDatabase;
let feed: LiveFeed;
let workspaceId: string;
let wakes = 0;
/** A workspace nobody writes to: its wake-up, sent after each write, comes after the write's. */
const MARKER = randomUUID();
let markerHeard = () => {};

beforeAll(async () => {
  database = await createTestDatabase();
  const { rows } = await database.query<{ id: string }>(
    "insert into workspaces (name) values ('Shop') returning id",
  );
  workspaceId = rows[0]?.id as string;
  feed = createLiveFeed(database.appUrl);
  await feed.subscribe(workspaceId, () => {
    wakes += 1;
  });
  await feed.subscribe(MARKER, () => markerHeard());
});

afterAll(async () => {
  await feed?.close();
  await database?.drop();
});

/**
 * The broadcasts one committed write made, and how often it woke the workspace's live feed. Every
 * broadcast on a workspace's topic is also in the live log, with the same event and body.
 */
async function published(write: string, values: unknown[] = []) {
  await database.query('delete from realtime.messages');
  await database.query('delete from live_events');
  wakes = 0;
  await database.query(write, values);
  // Notifications arrive in commit order, so the marker's comes after the write's.
  const heard = new Promise<void>((resolve) => {
    markerHeard = resolve;
  });
  await database.query('select pg_notify($1, $2)', [LIVE_FEED_CHANNEL, MARKER]);
  await heard;
  // realtime.send() adds the broadcast's own id to the payload.
  const { rows: broadcasts } = await database.query(
    `select topic, event, payload - 'id' as payload, private from realtime.messages
     where extension = 'broadcast' order by topic, event`,
  );
  const { rows: logged } = await database.query(
    "select 'workspace:' || workspace_id as topic, event, body as payload from live_events order by xid, seq",
  );
  const sorted = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort();
  expect(sorted(logged)).toEqual(
    sorted(
      broadcasts
        .filter((b) => b.topic.startsWith('workspace:'))
        .map(({ topic, event, payload }) => ({ topic, event, payload })),
    ),
  );
  return { broadcasts, wakes };
}

/** What a write put in the live log only (no Realtime broadcast). */
async function loggedOnly(write: string, values: unknown[] = []) {
  await database.query('delete from realtime.messages');
  await database.query('delete from live_events');
  await database.query(write, values);
  const { rows: broadcasts } = await database.query('select 1 from realtime.messages');
  const { rows: logged } = await database.query(
    'select workspace_id, event, body from live_events order by xid, seq',
  );
  return { broadcasts, logged };
}

const nothing = { broadcasts: [], wakes: 0 };

it('publishes an account connected, changed in its state, and deleted', async () => {
  const id = randomUUID();
  const updated = (status: string) => ({
    broadcasts: [
      {
        topic: workspaceTopic(workspaceId),
        event: BROADCAST_EVENTS.connectionUpdated,
        payload: { channel_connection_id: id, status },
        private: true,
      },
    ],
    wakes: 1,
  });
  expect(
    await published(
      `insert into channel_connections (id, workspace_id, login_path, channel_identifier)
       values ($1, $2, 'instagram', '17841400000000001')`,
      [id, workspaceId],
    ),
  ).toEqual(updated('CONNECTED'));
  expect(
    await published(
      "update channel_connections set status = 'NEEDS_REAUTH', needs_reauth_reason = 'token expired' where id = $1",
      [id],
    ),
  ).toEqual(updated('NEEDS_REAUTH'));
  expect(await published('update channel_connections set is_active = false where id = $1', [id])).toEqual(
    updated('NEEDS_REAUTH'),
  );
  // Each delivery stamps the account: not a change of its state.
  expect(await published('update channel_connections set last_event_at = now() where id = $1', [id])).toEqual(
    nothing,
  );
  expect(await published('delete from channel_connections where id = $1', [id])).toEqual({
    broadcasts: [
      {
        topic: workspaceTopic(workspaceId),
        event: BROADCAST_EVENTS.connectionDeleted,
        payload: { channel_connection_id: id, status: 'DELETED' },
        private: true,
      },
    ],
    wakes: 1,
  });
});

it('publishes conversations and messages as they are stored and change, and new leads', async () => {
  const [connectionId, conversationId, messageId, leadId] = [
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
  ];
  await database.query(
    `insert into channel_connections (id, workspace_id, login_path, channel_identifier)
     values ($1, $2, 'instagram', '17841400000000009')`,
    [connectionId, workspaceId],
  );

  const conversationUpdated = (unreadCount: number, version: number) => ({
    broadcasts: [
      {
        topic: workspaceTopic(workspaceId),
        event: BROADCAST_EVENTS.conversationUpdated,
        payload: { conversation_id: conversationId, unread_count: unreadCount, status: 'ACTIVE', version },
        private: true,
      },
    ],
    wakes: 1,
  });
  expect(
    await published(
      `insert into conversations (id, workspace_id, channel_connection_id, contact_identifier)
       values ($1, $2, $3, '5830000000000001')`,
      [conversationId, workspaceId, connectionId],
    ),
  ).toEqual(conversationUpdated(0, 1));
  expect(
    await published('update conversations set unread_count = 1 where id = $1', [conversationId]),
  ).toEqual(conversationUpdated(1, 2));

  // On the conversation's topic for its open thread, and on the workspace's for the list.
  const message = (event: string, status: string) => ({
    broadcasts: [conversationTopic(conversationId), workspaceTopic(workspaceId)].map((topic) => ({
      topic,
      event,
      payload: { message_id: messageId, conversation_id: conversationId, status },
      private: true,
    })),
    wakes: 1,
  });
  expect(
    await published(
      `insert into conversation_messages (id, workspace_id, conversation_id, channel_connection_id, direction,
         content, status) values ($1, $2, $3, $4, 'OUTBOUND', 'hello', 'QUEUED')`,
      [messageId, workspaceId, conversationId, connectionId],
    ),
  ).toEqual(message(BROADCAST_EVENTS.messageCreated, 'QUEUED'));
  expect(
    await published("update conversation_messages set status = 'SENT' where id = $1", [messageId]),
  ).toEqual(message(BROADCAST_EVENTS.messageUpdated, 'SENT'));

  expect(
    await published(
      `insert into leads (id, workspace_id, channel_connection_id, conversation_id, contact_identifier)
       values ($1, $2, $3, $4, '5830000000000001')`,
      [leadId, workspaceId, connectionId, conversationId],
    ),
  ).toEqual({
    broadcasts: [
      {
        topic: workspaceTopic(workspaceId),
        event: BROADCAST_EVENTS.leadCreated,
        payload: { lead_id: leadId, conversation_id: conversationId },
        private: true,
      },
    ],
    wakes: 1,
  });
  // A lead's later progress is not live.
  expect(await published("update leads set status = 'QUALIFIED' where id = $1", [leadId])).toEqual(nothing);

  // A message deleted on its own (purged) is news for the live log only…
  const purged = randomUUID();
  await database.query(
    `insert into conversation_messages (id, workspace_id, conversation_id, channel_connection_id, direction,
       content, status) values ($1, $2, $3, $4, 'INBOUND', 'old news', 'RECEIVED')`,
    [purged, workspaceId, conversationId, connectionId],
  );
  expect(await loggedOnly('delete from conversation_messages where id = $1', [purged])).toEqual({
    broadcasts: [],
    logged: [
      {
        workspace_id: workspaceId,
        event: LOG_ONLY_EVENTS.messageDeleted,
        body: { message_id: purged, conversation_id: conversationId },
      },
    ],
  });

  // …and so is a conversation deleted (its contact erased), which says it for its messages.
  expect(await loggedOnly('delete from conversations where id = $1', [conversationId])).toEqual({
    broadcasts: [],
    logged: [
      {
        workspace_id: workspaceId,
        event: LOG_ONLY_EVENTS.conversationDeleted,
        body: { conversation_id: conversationId },
      },
    ],
  });
});

it("publishes every row of a statement that writes many, in the statement's order", async () => {
  const [connectionId, conversationId] = [randomUUID(), randomUUID()];
  await database.query(
    `insert into channel_connections (id, workspace_id, login_path, channel_identifier)
     values ($1, $2, 'instagram', '17841400000000019')`,
    [connectionId, workspaceId],
  );
  await database.query(
    `insert into conversations (id, workspace_id, channel_connection_id, contact_identifier)
     values ($1, $2, $3, '5830000000000019')`,
    [conversationId, workspaceId, connectionId],
  );
  const ids = Array.from({ length: 5 }, () => randomUUID());
  const insert = `insert into conversation_messages (id, workspace_id, conversation_id, channel_connection_id,
      direction, content, status)
    select id, $2, $3, $4, 'INBOUND', 'hi', 'RECEIVED' from unnest($1::uuid[]) with ordinality as i(id, n) order by n`;
  const update = "update conversation_messages set status = 'READ' where conversation_id = $1";
  for (const [write, values, event, status] of [
    [insert, [ids, workspaceId, conversationId, connectionId], BROADCAST_EVENTS.messageCreated, 'RECEIVED'],
    [update, [conversationId], BROADCAST_EVENTS.messageUpdated, 'READ'],
  ] as const) {
    const { broadcasts, wakes } = await published(write, [...values]);
    expect(wakes).toBe(1);
    const { rows: logged } = await database.query('select body from live_events order by xid, seq');
    const body = (id: string) => ({ message_id: id, conversation_id: conversationId, status });
    if (event === BROADCAST_EVENTS.messageCreated) {
      // The live log keeps the statement's order.
      expect(logged.map((row) => row.body)).toEqual(ids.map(body));
    } else {
      expect(logged.map((row) => row.body).sort(byId)).toEqual(ids.map(body).sort(byId));
    }
    expect(broadcasts).toHaveLength(2 * ids.length);
    for (const topic of [conversationTopic(conversationId), workspaceTopic(workspaceId)]) {
      const onTopic = broadcasts.filter((b) => b.topic === topic);
      expect(onTopic.map((b) => b.payload).sort(byId)).toEqual(ids.map(body).sort(byId));
      expect(onTopic.every((b) => b.event === event && b.private)).toBe(true);
    }
  }
});

const byId = (a: { message_id: string }, b: { message_id: string }) =>
  a.message_id.localeCompare(b.message_id);

it('publishes invitations made and withdrawn as a change of the team', async () => {
  const id = randomUUID();
  const teamUpdated = {
    broadcasts: [
      {
        topic: workspaceTopic(workspaceId),
        event: BROADCAST_EVENTS.teamUpdated,
        payload: { change: 'workspace_invitations' },
        private: true,
      },
    ],
    wakes: 1,
  };
  expect(
    await published(
      `insert into workspace_invitations (id, workspace_id, role, token_hash)
       values ($1, $2, 'agent', repeat('a', 64))`,
      [id, workspaceId],
    ),
  ).toEqual(teamUpdated);
  expect(await published('update workspace_invitations set revoked_at = now() where id = $1', [id])).toEqual(
    teamUpdated,
  );
});

it('publishes a history import as it starts and moves on', async () => {
  const connectionId = randomUUID();
  const importId = randomUUID();
  await database.query(
    `insert into channel_connections (id, workspace_id, login_path, channel_identifier)
     values ($1, $2, 'instagram', '17841400000000010')`,
    [connectionId, workspaceId],
  );
  const changed = (status: string) => ({
    broadcasts: [
      {
        topic: workspaceTopic(workspaceId),
        event: BROADCAST_EVENTS.historyImportUpdated,
        payload: { history_import_id: importId, channel_connection_id: connectionId, status },
        private: true,
      },
    ],
    wakes: 1,
  });
  expect(
    await published(
      `insert into history_imports (id, workspace_id, channel_connection_id, kind, since)
       values ($1, $2, $3, 'BACKFILL', now() - interval '30 days')`,
      [importId, workspaceId, connectionId],
    ),
  ).toEqual(changed('RUNNING'));
  expect(
    await published('update history_imports set pages_done = 1, conversations_seen = 20 where id = $1', [
      importId,
    ]),
  ).toEqual(changed('RUNNING'));
  expect(
    await published("update history_imports set status = 'DONE', finished_at = now() where id = $1", [
      importId,
    ]),
  ).toEqual(changed('DONE'));
});
