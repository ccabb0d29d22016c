// The push job against a database and the push stand-in (real HTTP), for what the end-to-end
// tests (push.db.test.ts) cannot arrange through the app: a worker whose key ring is not the one
// that sealed the tokens, a sender that throws.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type PushStandIn, startPushStandIn } from '#dev/push/stand-in.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { createTokenCipher, newKeySpec, parseKeyRing, type TokenCipher } from '../crypto/token-cipher.ts';
import { addressOf, hashOf, sealAddress } from './device-token.ts';
import { notifyNewMessage } from './notify-new-message.ts';
import type { PushSenders } from './senders/create-senders.ts';
import { createExpoSender } from './senders/expo-sender.ts';
import type { PushSender } from './senders/sender.ts';

let database: TestDatabase;
let standIn: PushStandIn;
let push: PushSenders;

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  database.query<R>(text, values).then((r) => r.rows);

beforeAll(async () => {
  database = await createTestDatabase();
  standIn = await startPushStandIn();
  const expo = createExpoSender({ baseUrl: standIn.url, timeoutMs: 5000 });
  push = {
    get: (platform) => (platform === 'expo' ? expo : undefined),
    missing: () => undefined,
    vapidPublicKey: null,
    close: () => expo.close(),
  };
});
beforeEach(() => standIn.reset());
afterAll(async () => {
  await standIn?.stop();
  await database?.drop();
});

/** A workspace with one member, signed in, and a customer's new message in one conversation. */
async function arrange() {
  const userId = randomUUID();
  const sessionId = randomUUID();
  const workspaceId = randomUUID();
  await sql('insert into auth.users (id, email) values ($1, $2)', [userId, `${userId}@example.test`]);
  await sql('insert into auth.sessions (id, user_id) values ($1, $2)', [sessionId, userId]);
  await sql('insert into workspaces (id, name) values ($1, $2)', [workspaceId, 'Shop']);
  await sql(`insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'owner')`, [
    workspaceId,
    userId,
  ]);
  const [connection] = await sql<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier)
     values ($1, 'instagram', $2) returning id`,
    [workspaceId, `17841${Date.now()}`],
  );
  const [conversation] = await sql<{ id: string }>(
    `insert into conversations (workspace_id, channel_connection_id, contact_identifier, unread_count)
     values ($1, $2, 'customer', 1) returning id`,
    [workspaceId, connection?.id],
  );
  const [message] = await sql<{ id: string }>(
    `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, content,
       status, external_message_id)
     values ($1, $2, $3, 'INBOUND', 'Hello', 'RECEIVED', $4) returning id`,
    [workspaceId, conversation?.id, connection?.id, `mid-${randomUUID()}`],
  );
  const ref = { workspaceId, conversationId: conversation?.id as string, messageId: message?.id as string };
  return { userId, sessionId, ref };
}

async function addDevice(owner: { userId: string; sessionId: string }, cipher: TokenCipher, token: string) {
  const address = addressOf({ platform: 'expo', token });
  const hash = hashOf(address);
  const [row] = await sql<{ id: string }>(
    `insert into push_devices (user_id, session_id, platform, token_hash, token)
     values ($1, $2, 'expo', $3, $4) returning id`,
    [owner.userId, owner.sessionId, hash, sealAddress(cipher, address, hash)],
  );
  return row?.id as string;
}

it('a device sealed with a key this worker lacks is kept: its delivery is FAILED and logged, without its token', async () => {
  const [retired, current] = [newKeySpec('retired'), newKeySpec('current')];
  const owner = await arrange();
  const lostToken = 'ExponentPushToken[sealed-with-retired]';
  const okToken = 'ExponentPushToken[sealed-with-current]';
  const lost = await addDevice(owner, createTokenCipher(parseKeyRing(retired)), lostToken);
  const ok = await addDevice(owner, createTokenCipher(parseKeyRing(current)), okToken);
  // The worker was deployed without the retired key.
  const services = { db: database.db, cipher: createTokenCipher(parseKeyRing(current)), push };
  const lines: string[] = [];

  const report = await notifyNewMessage(services, owner.ref, (line) => lines.push(line));

  expect(report).toEqual({ sent: 1, forgotten: 0, retrying: 0, failed: 1, uncertain: 0 });
  expect((await sql<{ id: string }>('select id from push_devices order by id')).map((d) => d.id)).toEqual(
    [lost, ok].sort(),
  );
  const [delivery] = await sql<{ status: string; error: string }>(
    'select status, error from push_deliveries where device_id = $1',
    [lost],
  );
  expect(delivery).toEqual({
    status: 'FAILED',
    error: 'token key "retired": no key "retired" in the key ring',
  });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(lost);
  expect(lines[0]).toContain('"retired"');
  expect(lines.join('\n')).not.toContain(lostToken);
  expect(standIn.requests('expo').map((r) => r.body)).toEqual([expect.stringContaining(okToken)]);
  expect(JSON.stringify(standIn.requests())).not.toContain(lostToken);

  // Run again (the queue's retry, another worker): nothing is sent twice, the lost one not tried.
  expect(await notifyNewMessage(services, owner.ref, (line) => lines.push(line))).toMatchObject({
    sent: 0,
    failed: 0,
  });
  expect(standIn.requests('expo')).toHaveLength(1);
  expect(lines).toHaveLength(1);
});

it('a sender that throws is logged by its error’s name and message, never with a token; its deliveries stay unsettled', async () => {
  const cipher = createTokenCipher(parseKeyRing(newKeySpec('k')));
  const throwing = (error: unknown): PushSenders => {
    const sender: PushSender = {
      platform: 'expo',
      send: () => Promise.reject(error),
      close: async () => {},
    };
    return { get: () => sender, missing: () => undefined, vapidPublicKey: null, close: async () => {} };
  };
  const lines: string[] = [];

  const owner = await arrange();
  const tokens = ['ExponentPushToken[thrown-at-000001]', 'ExponentPushToken[thrown-at-000002]'];
  const devices = [
    await addDevice(owner, cipher, tokens[0] as string),
    await addDevice(owner, cipher, tokens[1] as string),
  ];
  const report = await notifyNewMessage(
    { db: database.db, cipher, push: throwing(new TypeError(`cannot send to ${tokens[1]}`)) },
    owner.ref,
    (line) => lines.push(line),
  );
  expect(report).toMatchObject({ sent: 0, uncertain: 2 });
  expect(lines).toEqual([
    `push: the expo sender failed (TypeError: cannot send to [device address]) on message ${owner.ref.messageId} ` +
      `for device(s) ${devices.sort().join(', ')}; left unsettled, not sent again`,
  ]);
  expect(
    await sql('select status, error from push_deliveries where message_id = $1', [owner.ref.messageId]),
  ).toEqual(Array(2).fill({ status: 'SENDING', error: 'the sender failed' }));

  // A parse error quotes the text it failed on, cut anywhere: a token's fragment. Its name alone.
  const other = await arrange();
  await addDevice(other, cipher, 'ExponentPushToken[quoted-in-a-parse-error]');
  const parseError = (() => {
    try {
      JSON.parse('ExponentPushToken[quoted-in-a-parse-error] is not registered');
    } catch (error) {
      return error;
    }
  })();
  expect(String(parseError)).toContain('"ExponentPu"');
  lines.length = 0;
  await notifyNewMessage({ db: database.db, cipher, push: throwing(parseError) }, other.ref, (line) =>
    lines.push(line),
  );
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('(SyntaxError)');
  expect(lines[0]).not.toContain('ExponentPu');
});
