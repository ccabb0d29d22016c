// The daily purge on a fixed clock against generated data: messages and deliveries scattered
// around each workspace's cutoffs, in every status, deliveries shared between workspaces or owned
// by none. A small model says what must survive; the database must hold exactly that afterwards,
// each run's record must say what went, leads and contacts stay, and a second run removes nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import { createServices, type Services } from '../services.ts';
import type { RetentionPolicy } from '../team/index.ts';
import { cutoffsAt, PURGE_BATCH, purgeExpired, UNOWNED_DELIVERY_DAYS } from './purge-expired.ts';

let database: TestDatabase;
let services: Services;

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-12-01T03:23:00Z');
const random = seededRandom(20261201);

beforeAll(async () => {
  database = await createTestDatabase();
  services = createServices(testEnv(database));
});

afterAll(async () => {
  await services?.close();
  await database?.drop();
});

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  database.query<R>(text, values).then((r) => r.rows);

interface Workspace extends RetentionPolicy {
  id: string;
  accountId: string;
  connectionId: string;
  conversationIds: string[];
}

const MESSAGE_STATUSES = [
  'RECEIVED',
  'SENT',
  'DELIVERED',
  'READ',
  'FAILED',
  'QUEUED',
  'SENDING',
  'UNCERTAIN',
];
const DELIVERY_STATUSES = ['PROCESSED', 'IGNORED', 'UNMATCHED', 'FAILED', 'RECEIVED'];
const pick = <T>(items: readonly T[]): T => items[Math.floor(random.next() * items.length)] as T;
/** A time within `spread` days either side of `days` ago, often right at it. */
const around = (days: number, spread = 3) =>
  new Date(NOW.getTime() - days * DAY + (random.next() < 0.2 ? 0 : (random.next() * 2 - 1) * spread * DAY));

async function workspace(policy: RetentionPolicy, accountId: string): Promise<Workspace> {
  const [row] = await sql<{ id: string }>(
    'insert into workspaces (name, message_retention_days, delivery_retention_days) values ($1, $2, $3) returning id',
    ['Shop', policy.messageDays, policy.deliveryDays],
  );
  const id = row?.id as string;
  const [connection] = await sql<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier) values ($1, 'instagram', $2) returning id`,
    [id, accountId],
  );
  const connectionId = connection?.id as string;
  const conversationIds: string[] = [];
  for (let c = 0; c < 5; c += 1) {
    const [conversation] = await sql<{ id: string }>(
      `insert into conversations (workspace_id, channel_connection_id, contact_identifier, last_message_at, last_message_preview)
       values ($1, $2, $3, $4, 'the latest words') returning id`,
      [id, connectionId, `contact-${accountId}-${c}`, around(policy.messageDays ?? 400, 40)],
    );
    conversationIds.push(conversation?.id as string);
    await sql(
      `insert into leads (workspace_id, channel_connection_id, conversation_id, contact_identifier, source, origin_at)
       values ($1, $2, $3, $4, 'AD', $5)`,
      [id, connectionId, conversation?.id, `contact-${accountId}-${c}`, around(400, 10)],
    );
  }
  return { ...policy, id, accountId, connectionId, conversationIds };
}

it('purges exactly what is past each workspace’s time, in batches, and records it', async () => {
  const workspaces = [
    await workspace({ messageDays: 30, deliveryDays: 10 }, '17841400000000101'),
    await workspace({ messageDays: null, deliveryDays: 30 }, '17841400000000102'),
    await workspace({ messageDays: 7, deliveryDays: 30 }, '17841400000000103'),
  ];
  const [a, b, c] = workspaces as [Workspace, Workspace, Workspace];

  // Messages around each workspace's cutoff (the one that keeps them forever, around 400 days),
  // more than a batch for one of them.
  const messages: { id: string; workspace: Workspace; at: Date; status: string }[] = [];
  for (const [w, count] of [
    [a, PURGE_BATCH * 2 + 37],
    [b, 300],
    [c, 400],
  ] as const) {
    const rows = Array.from({ length: count }, () => ({
      id: randomUUID(),
      workspace: w,
      at: around(w.messageDays ?? 400),
      status: pick(MESSAGE_STATUSES),
    }));
    messages.push(...rows);
    await sql(
      `insert into conversation_messages (id, workspace_id, conversation_id, channel_connection_id, direction, status, content, occurred_at, external_message_id)
       select id, $1, conversation_id, $2, 'INBOUND', status, 'words', at, 'mid-' || id
       from unnest($3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[]) as m(id, conversation_id, status, at)`,
      [
        w.id,
        w.connectionId,
        rows.map((m) => m.id),
        rows.map(() => pick(w.conversationIds)),
        rows.map((m) => m.status),
        rows.map((m) => m.at),
      ],
    );
  }

  // Deliveries of one workspace, of two, of an account no one connected, and of no account.
  const owners = [[a], [b], [c], [a, b], [b, c], [], 'unowned'] as const;
  const deliveries: { id: string; accounts: string[]; at: Date; status: string }[] = [];
  for (let i = 0; i < 1500; i += 1) {
    const owner = pick(owners);
    const accounts = owner === 'unowned' ? ['17841400000000999'] : owner.map((w) => w.accountId);
    const days =
      owner === 'unowned' || owner.length === 0
        ? UNOWNED_DELIVERY_DAYS
        : Math.min(...owner.map((w) => Math.min(w.deliveryDays, w.messageDays ?? Number.POSITIVE_INFINITY)));
    deliveries.push({ id: '', accounts, at: around(days), status: pick(DELIVERY_STATUSES) });
  }
  const ids = await sql<{ id: string }>(
    `insert into webhook_events (raw_body, signature_valid, received_at, status, account_ids)
     select convert_to('{}', 'UTF8'), true, at, status, string_to_array(accounts, ',')
     from unnest($1::timestamptz[], $2::text[], $3::text[]) with ordinality as d(at, status, accounts, n)
     order by n returning id`,
    [
      deliveries.map((d) => d.at),
      deliveries.map((d) => d.status),
      deliveries.map((d) => d.accounts.join(',')),
    ],
  );
  for (const [i, row] of ids.entries()) (deliveries[i] as { id: string }).id = String(row.id);

  // The model: what each workspace's cutoffs keep.
  const cutoffs = new Map(workspaces.map((w) => [w.accountId, cutoffsAt(NOW, w)]));
  const messageKept = (m: (typeof messages)[number]) => {
    const before = cutoffs.get(m.workspace.accountId)?.messagesBefore;
    return !before || m.at >= before || ['QUEUED', 'SENDING', 'UNCERTAIN'].includes(m.status);
  };
  const deliveryKept = (d: (typeof deliveries)[number]) => {
    if (['FAILED', 'RECEIVED'].includes(d.status)) return true;
    const owned = d.accounts.flatMap((account) => cutoffs.get(account) ?? []);
    if (owned.length === 0) return d.at >= new Date(NOW.getTime() - UNOWNED_DELIVERY_DAYS * DAY);
    return owned.every((cut) => d.at >= cut.deliveriesBefore);
  };
  const keptMessages = messages
    .filter(messageKept)
    .map((m) => m.id)
    .sort();
  const keptDeliveries = deliveries
    .filter(deliveryKept)
    .map((d) => d.id)
    .sort((x, y) => Number(x) - Number(y));
  expect(keptMessages.length).toBeLessThan(messages.length);
  expect(keptDeliveries.length).toBeLessThan(deliveries.length);

  // The mobile live log is kept a week, whatever the workspace's policy (its triggers' own rows of
  // this setup are newer than NOW, and stay).
  const liveAges = [0.5, 6.9, 7.1, 30];
  await sql(
    `insert into live_events (workspace_id, event, body, created_at)
     select $1, 'team_updated', '{}', $2::timestamptz - make_interval(secs => age * 86400)
     from unnest($3::float8[]) age`,
    [workspaces[0]?.id, NOW, liveAges],
  );
  const liveEventsBefore = async (at: Date) =>
    (await sql<{ n: number }>('select count(*)::int as n from live_events where created_at < $1', [at]))[0]
      ?.n;

  // Health's running totals: kept for the day Health shows, and a day more.
  for (const at of [new Date(NOW.getTime() - 3 * DAY), new Date(NOW.getTime() - DAY)]) {
    await sql(
      `insert into private.webhook_latency (workspace_id, span, at, metric, bin, shard, events, total_ms)
       values ($1, '1 minute', $2, 'lag', 1, 1, 1, 1)`,
      [workspaces[0]?.id, at],
    );
  }
  const report = await purgeExpired(services, NOW);

  expect(
    (await sql<{ id: string }>('select id from conversation_messages order by id')).map((r) => r.id),
  ).toEqual(keptMessages);
  expect(
    (await sql<{ id: string }>('select w.id::text as id from webhook_events w order by w.id')).map(
      (r) => r.id,
    ),
  ).toEqual(keptDeliveries);
  expect(report).toEqual({
    workspaces: 3,
    messages: messages.length - keptMessages.length,
    deliveries: deliveries.length - keptDeliveries.length,
    liveEvents: 2,
    healthTotals: 1,
  });
  expect(await sql('select count(*)::int as n from private.webhook_latency')).toEqual([{ n: 1 }]);
  expect(await liveEventsBefore(new Date(NOW.getTime() - 7 * DAY))).toBe(0);
  expect(await liveEventsBefore(NOW)).toBe(2);
  // Each workspace's run says what its cutoffs removed.
  const runs = await sql<{ workspace_id: string; messages_purged: number; finished: boolean }>(
    'select workspace_id, messages_purged, finished_at is not null as finished from retention_runs',
  );
  expect(runs.sort((x, y) => x.workspace_id.localeCompare(y.workspace_id))).toEqual(
    workspaces
      .map((w) => ({
        workspace_id: w.id,
        messages_purged: messages.filter((m) => m.workspace === w && !messageKept(m)).length,
        finished: true,
      }))
      .sort((x, y) => x.workspace_id.localeCompare(y.workspace_id)),
  );
  // Leads stay, with their source and first contact; previews of purged last messages go.
  expect(await sql('select count(*)::int as n from leads where source = $1', ['AD'])).toEqual([{ n: 15 }]);
  const previews = await sql<{ preview: string | null; stale: boolean }>(
    `select c.last_message_preview as preview, c.last_message_at < $1::timestamptz - make_interval(days => w.message_retention_days) as stale
     from conversations c join workspaces w on w.id = c.workspace_id where w.message_retention_days is not null`,
    [NOW],
  );
  expect(previews.filter((p) => p.stale).length).toBeGreaterThan(0);
  for (const conversation of previews) expect(conversation.preview === null).toBe(conversation.stale);

  // A second run finds nothing more.
  expect(await purgeExpired(services, NOW)).toEqual({
    workspaces: 3,
    messages: 0,
    deliveries: 0,
    liveEvents: 0,
    healthTotals: 0,
  });
});
