// Reading Expo's receipts on a fixed clock, against a database and the push stand-in (real HTTP):
// which tickets are asked about, and which are given up on.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type PushStandIn, startPushStandIn } from '#dev/push/stand-in.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { readExpoReceipts } from './expo-receipts.ts';
import type { PushSenders } from './senders/create-senders.ts';
import { createExpoSender } from './senders/expo-sender.ts';
import type { PushNotification } from './senders/sender.ts';

let database: TestDatabase;
let standIn: PushStandIn;

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  database.query<R>(text, values).then((r) => r.rows);

beforeAll(async () => {
  database = await createTestDatabase();
  standIn = await startPushStandIn();
});
afterAll(async () => {
  await standIn?.stop();
  await database?.drop();
});

const NOW = new Date('2031-03-04T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

it('gives up on tickets older than the day Expo keeps receipts, and never lets unanswered ones starve newer ones', async () => {
  const expo = createExpoSender({ baseUrl: standIn.url, timeoutMs: 5000 });
  const push: PushSenders = {
    get: (platform) => (platform === 'expo' ? expo : undefined),
    missing: () => undefined,
    vapidPublicKey: null,
    close: () => expo.close(),
  };
  // Two tickets Expo did give (it will answer for them), for a fresh and a day-old notification.
  const notification: PushNotification = {
    title: 'New message in Shop',
    workspaceId: randomUUID(),
    conversationId: randomUUID(),
    messageId: randomUUID(),
    badge: 1,
    path: '/',
  };
  const given = await expo.send(
    [1, 2].map((n) => ({
      deviceId: String(n),
      address: { platform: 'expo', token: `ExponentPushToken[receipts-00000${n}]` },
      appId: null,
      notification,
      idempotencyKey: randomUUID(),
    })),
  );
  expect(given.map((outcome) => outcome.kind)).toEqual(['sent', 'sent']);
  const [fresh, dayOld] = given.map((outcome) => (outcome.kind === 'sent' && outcome.ref) || 'no ticket') as [
    string,
    string,
  ];

  const [device] = await sql<{ id: string }>(
    `with u as (insert into auth.users (id, email) values (gen_random_uuid(), 'receipts@example.test') returning id)
     insert into push_devices (user_id, session_id, platform, token_hash, token)
     select id, gen_random_uuid(), 'expo', $1, 'enc:v1:k:x:y:z' from u returning id`,
    [randomUUID().replaceAll('-', '').repeat(2)],
  );
  const [conversation] = await sql<{ id: string; workspace_id: string; channel_connection_id: string }>(
    `with w as (insert into workspaces (name) values ('Shop') returning id),
          c as (insert into channel_connections (workspace_id, login_path, channel_identifier)
                select id, 'instagram', '17841400000001' from w returning id, workspace_id)
     insert into conversations (workspace_id, channel_connection_id, contact_identifier)
     select workspace_id, id, 'customer' from c returning id, workspace_id, channel_connection_id`,
  );
  /** SENT deliveries to the device, one per ticket, created at `at`. */
  const tickets = (at: Date, refs: string[]) =>
    sql(
      `with m as (
         insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction,
           content, status, external_message_id)
         select $1, $2, $3, 'INBOUND', 'Hello', 'RECEIVED', 'mid-' || ref from unnest($4::text[]) ref
         returning id, external_message_id)
       insert into push_deliveries (message_id, device_id, status, attempts, provider_ref, created_at)
       select m.id, $5, 'SENT', 1, substr(m.external_message_id, 5), $6 from m`,
      [
        conversation?.workspace_id,
        conversation?.id,
        conversation?.channel_connection_id,
        refs,
        device?.id,
        at,
      ],
    );
  // More unanswered tickets than a run reads, older than the fresh one: Expo never answers them.
  const unanswered = Array.from({ length: 5000 }, (_, i) => `unanswered-${i}`);
  await tickets(minutesAgo(120), unanswered);
  await tickets(minutesAgo(20), [fresh]);
  await tickets(minutesAgo(24 * 60 + 1), [dayOld]);
  await tickets(minutesAgo(5), ['too-young']); // not ready: asked about at a later run

  const report = await readExpoReceipts({ db: database.db, push }, { now: NOW });

  expect(report).toEqual({ delivered: 1, failed: 0, forgotten: 0, expired: 1 });
  const asked = standIn
    .requests('expo-receipts')
    .flatMap((r) => (JSON.parse(r.body) as { ids: string[] }).ids);
  expect(asked).toHaveLength(5000);
  expect(asked).toContain(fresh);
  expect(asked).not.toContain(dayOld);
  expect(asked).not.toContain('too-young');
  const statusOf = async (ref: string) =>
    (await sql('select status, error from push_deliveries where provider_ref = $1', [ref]))[0];
  expect(await statusOf(fresh)).toEqual({ status: 'DELIVERED', error: null });
  expect(await statusOf(dayOld)).toEqual({
    status: 'FAILED',
    error: 'no receipt from Expo within a day: fate unknown',
  });
  expect(await statusOf('too-young')).toEqual({ status: 'SENT', error: null });
  expect(await statusOf('unanswered-0')).toEqual({ status: 'SENT', error: null });
});
