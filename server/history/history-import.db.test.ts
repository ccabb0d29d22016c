// History backfill against the Meta simulator, over real HTTP, through the real workers: the
// Conversations API is paged, each conversation stored in the ledger and ingested like a delivery.
// What the inbox holds afterwards is compared with what the simulator's world holds: every message
// Meta gives details of within the span, once; leads from imported history; unread only where the
// customer still waits; a webhook for the same message a no-op.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryKind, SeededConversation } from '#dev/meta/history.ts';
import type { MetaSimulator } from '#dev/meta/simulator.ts';
import type { Account } from '#dev/meta/world.ts';
import { connectSimulatorAccount } from '#dev/test/connections.ts';
import type { TestDatabase } from '#dev/test/database.ts';
import { eventually } from '#dev/test/eventually.ts';
import {
  conversationFetches,
  DAY,
  expectedImport,
  historyOf,
  importSettled,
  inboxOf as inboxIn,
  MINUTE,
  SETTLED_AGO,
} from '#dev/test/history-imports.ts';
import { type SimulatorIntake, startSimulatorIntake } from '#dev/test/simulator-intake.ts';
import type { Services } from '../services.ts';
import { CONVERSATIONS_PER_PAGE } from './import-history.job.ts';
import { startHistoryImport } from './start-history-import.ts';

let intake: SimulatorIntake;
let database: TestDatabase;
let meta: MetaSimulator;
let services: Services;
let n = 0;

beforeAll(async () => {
  intake = await startSimulatorIntake({ delivery: { retryDelaysMs: [0, 50, 100, 200] } });
  ({ database, meta, services } = intake);
});

afterAll(async () => {
  await intake?.stop();
});

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  database.query<R>(text, values).then((r) => r.rows);

interface Connected {
  account: Account;
  workspaceId: string;
  connectionId: string;
}

const settled = (importId: string) => importSettled(database, importId);
const inboxOf = (connectionId: string) => inboxIn(database, connectionId);

async function connect(loginPath: 'instagram' | 'facebook' = 'instagram'): Promise<Connected> {
  n += 1;
  const account = meta.addAccount({ username: `history.${n}`, loginPath });
  const [workspace] = await sql<{ id: string }>("insert into workspaces (name) values ('Shop') returning id");
  const workspaceId = workspace?.id as string;
  const connectionId = await connectSimulatorAccount(database, services.cipher, workspaceId, account);
  return { account, workspaceId, connectionId };
}

function backfill(connected: Connected, days = 30) {
  return startHistoryImport(services, { ...connected, kind: 'BACKFILL', days, requestedBy: null });
}

describe('a backfill', () => {
  it('imports accounts of 0, 1 and 500 conversations: every message once, leads from imported history', async () => {
    const accounts = await Promise.all([connect(), connect('facebook'), connect()]);
    const sizes = [0, 1, 500];
    const seeded = accounts.map((connected, i) =>
      meta.seedHistory({
        account: connected.account.igId,
        seed: i + 1,
        conversations: historyOf(sizes[i] ?? 0, { spacing: 2 * MINUTE }),
      }),
    );
    const imports = await Promise.all(accounts.map((connected) => backfill(connected)));
    const since = Date.now() - 30 * DAY;

    for (const [i, connected] of accounts.entries()) {
      const outcome = await settled(imports[i]?.importId as string);
      const want = expectedImport(seeded[i] ?? [], since);
      const wantMids = want.flatMap((c) => c.messages.map((m) => m.mid)).sort();
      expect(outcome).toEqual({
        status: 'DONE',
        conversations_seen: want.length,
        messages_found: wantMids.length,
        error_count: 0,
      });
      const held = await inboxOf(connected.connectionId);
      expect(held.map((m) => m.mid).sort()).toEqual(wantMids);

      // A lead for each customer who wrote, from imported history; the customer waits only where
      // their message is the conversation's last.
      const leads = await sql<{ contact: string; source: string }>(
        'select contact_identifier as contact, source from leads where channel_connection_id = $1',
        [connected.connectionId],
      );
      const wrote = want.filter((c) => c.messages.some((m) => m.from === 'customer'));
      expect(leads.map((l) => l.contact).sort()).toEqual(wrote.map((c) => c.customer).sort());
      expect(new Set(leads.map((l) => l.source))).toEqual(new Set(wrote.length > 0 ? ['IMPORTED'] : []));
      const unread = await sql<{ contact: string; unread_count: number }>(
        'select contact_identifier as contact, unread_count from conversations where channel_connection_id = $1',
        [connected.connectionId],
      );
      expect(Object.fromEntries(unread.map((c) => [c.contact, c.unread_count]))).toEqual(
        Object.fromEntries(want.map((c) => [c.customer, c.messages[0]?.from === 'customer' ? 1 : 0])),
      );
    }
  }, 120_000);

  it('leaves out conversations and messages older than its span', async () => {
    const connected = await connect();
    const now = Date.now();
    const seeded = meta.seedHistory({
      account: connected.account.igId,
      conversations: [
        // Active recently, begun long ago: only its recent messages.
        {
          messages: [
            { timestamp: now - 40 * DAY, from: 'customer' },
            { timestamp: now - 2 * DAY, from: 'customer' },
          ],
        },
        // Quiet for longer than the span: left out.
        { messages: [{ timestamp: now - 10 * DAY, from: 'customer' }] },
      ],
    });
    const { importId } = await backfill(connected, 7);
    expect(await settled(importId)).toMatchObject({
      status: 'DONE',
      conversations_seen: 1,
      messages_found: 1,
    });
    expect((await inboxOf(connected.connectionId)).map((m) => m.mid)).toEqual([seeded[0]?.messages[1]?.mid]);
  });

  it('leaves a message written moments ago to its webhook, which says more (a postback)', async () => {
    const connected = await connect();
    const customer = meta.addCustomer({ username: `moments.${n}` });
    const target = { account: connected.account.igId, customer: customer.igsid };
    const settledMessage = meta.sendText({
      ...target,
      text: 'a while ago',
      deliver: false,
      timestamp: Date.now() - SETTLED_AGO,
    });
    const tapped = meta.sendPostback({
      ...target,
      title: 'Talk to a person',
      payload: 'HUMAN',
      deliver: false,
    });
    await settled((await backfill(connected)).importId);
    expect((await inboxOf(connected.connectionId)).map((m) => m.mid)).toEqual([settledMessage.mid]);
    // Its webhook, late, brings it as what it is.
    meta.sendPostback({
      ...target,
      title: 'Talk to a person',
      payload: 'HUMAN',
      mid: tapped.mid,
      timestamp: tapped.timestamp,
    });
    const [row] = await eventually(async () => {
      const rows = await sql<{ kind: string; content: string }>(
        'select kind, content from conversation_messages where external_message_id = $1',
        [tapped.mid],
      );
      return rows.length > 0 && rows;
    });
    expect(row).toEqual({ kind: 'postback', content: 'Talk to a person' });
  });

  it('brings only the 20 most recent messages of a long conversation, the ones Meta details', async () => {
    const connected = await connect();
    const now = Date.now();
    const [long] = meta.seedHistory({
      account: connected.account.igId,
      conversations: [
        { messages: Array.from({ length: 45 }, (_, i) => ({ timestamp: now - DAY + i * MINUTE })) },
      ],
    });
    await settled((await backfill(connected)).importId);
    expect((await inboxOf(connected.connectionId)).map((m) => m.mid).sort()).toEqual(
      (long as SeededConversation).messages
        .slice(-20)
        .map((m) => m.mid)
        .sort(),
    );
  });

  it('asking again while an import runs finds the running one', async () => {
    const connected = await connect();
    meta.seedHistory({ account: connected.account.igId, conversations: historyOf(3, { spacing: MINUTE }) });
    const [first, second] = await Promise.all([backfill(connected), backfill(connected)]);
    expect(first.importId).toBe(second.importId);
    expect([first.started, second.started].sort()).toEqual([false, true]);
    await settled(first.importId);
  });
});

describe('history and webhooks for the same messages', () => {
  it('a webhook for a message already imported is a no-op, and an import of a message a webhook brought too', async () => {
    const connected = await connect();
    const customer = meta.addCustomer({ username: `both.${n}` });
    // Live first: the webhook brings it, then the import finds it again.
    const live = meta.sendText({
      account: connected.account.igId,
      customer: customer.igsid,
      text: 'live first',
    });
    await eventually(async () => (await inboxOf(connected.connectionId)).length === 1);
    // Imported first (no webhook yet), then Meta's webhook for it arrives late.
    const other = meta.addCustomer({ username: `late.${n}` });
    const late = meta.sendText({
      account: connected.account.igId,
      customer: other.igsid,
      text: 'webhook late',
      deliver: false,
      timestamp: Date.now() - SETTLED_AGO,
    });
    await settled((await backfill(connected)).importId);
    meta.sendText({
      account: connected.account.igId,
      customer: other.igsid,
      text: 'webhook late',
      mid: late.mid,
      timestamp: late.timestamp,
    });
    await eventually(
      async () =>
        (
          await sql(
            "select 1 from webhook_events where status <> 'RECEIVED' and position($1::bytea in raw_body) > 0 and object = 'instagram'",
            [Buffer.from(late.mid)],
          )
        ).length === 1,
    );
    await settled((await backfill(connected)).importId);
    const held = await inboxOf(connected.connectionId);
    expect(held.map((m) => m.mid).sort()).toEqual([live.mid, late.mid].sort());
    // The customer who wrote live is a new DM; the one first seen in history, imported.
    const leads = await sql<{ contact: string; source: string }>(
      'select contact_identifier as contact, source from leads where channel_connection_id = $1 order by source',
      [connected.connectionId],
    );
    expect(leads).toEqual([
      { contact: customer.igsid, source: 'DM' },
      { contact: other.igsid, source: 'IMPORTED' },
    ]);
  });

  it('a conversation that becomes active while the import runs is imported whole', async () => {
    const connected = await connect();
    const igId = connected.account.igId;
    const seeded = meta.seedHistory({ account: igId, conversations: historyOf(60, { spacing: MINUTE }) });
    const oldest = seeded.at(-1) as SeededConversation;
    // The import's first page is held before it is recorded (the import's row is locked), after
    // Meta has handed out the cursor of the next page; the oldest conversation is on a later page.
    meta.setFault({ path: 'conversations$', account: igId, delayMs: 500, times: 1 });
    const { importId } = await backfill(connected);
    const holder = new pg.Client({ connectionString: database.appUrl });
    await holder.connect();
    await holder.query('begin');
    const { rows } = await holder.query('select pages_done from history_imports where id = $1 for update', [
      importId,
    ]);
    expect(rows).toEqual([{ pages_done: 0 }]);
    await eventually(() => conversationFetches(meta, seeded) === CONVERSATIONS_PER_PAGE);
    // Now it writes: its conversation moves to the front of Meta's list, which the cursor has passed.
    const live = meta.sendText({ account: igId, customer: oldest.customer, text: 'still there?' });
    await eventually(async () => (await inboxOf(connected.connectionId)).some((m) => m.mid === live.mid));
    await holder.query('rollback');
    await holder.end();

    await settled(importId);
    const held = (await inboxOf(connected.connectionId)).map((m) => m.mid).sort();
    expect(held).toEqual([...seeded.flatMap((c) => c.messages.map((m) => m.mid)), live.mid].sort());
  });
});

interface StoredMessage {
  kind: string;
  direction: string;
  content: string;
  attachments: unknown;
  reply_to: boolean;
  quick_reply: unknown;
  postback: unknown;
  referral: boolean;
}

const WORDLESS = new Set<HistoryKind>(['unsupported', 'ephemeral', 'like_heart']);

const share = { kind: 'share', attachments: ['share'] };
const nothingShown = { kind: 'unsupported', attachments: [] };
/**
 * Where history says less than the webhook, because Meta's Conversations API does not give more
 * (reference §7): what the imported row has instead.
 */
const HISTORY_SAYS_LESS: Partial<Record<HistoryKind, Partial<StoredMessage>>> = {
  // "Only the URL is returned for shares".
  ig_post: share,
  ig_reel: share,
  ig_story: share,
  // A view-once photo and the heart come without details.
  ephemeral: nothingShown,
  like_heart: nothingShown,
  // Which message a reply quotes, a quick reply's payload, a postback and a referral are not in
  // the message node: the words are.
  reply: { reply_to: false },
  quick_reply: { quick_reply: null },
  postback: { kind: 'text', postback: null },
  ad_referral: { referral: false },
  product_referral: { referral: false },
};

describe('every kind of message', () => {
  it('is stored from history as intake stores its webhook, where Meta’s API gives as much', async () => {
    const [imported, delivered] = [await connect(), await connect()];
    const now = Date.now();
    const kinds: [HistoryKind, 'customer' | 'business'][] = [
      ['text', 'customer'],
      ['image', 'customer'],
      ['sticker', 'customer'],
      ['video', 'customer'],
      ['audio', 'customer'],
      ['file', 'customer'],
      ['share', 'customer'],
      ['ig_post', 'customer'],
      ['ig_reel', 'customer'],
      ['ig_story', 'customer'],
      ['story_mention', 'customer'],
      ['story_reply', 'customer'],
      ['ephemeral', 'customer'],
      ['like_heart', 'customer'],
      ['reply', 'customer'],
      ['quick_reply', 'customer'],
      ['postback', 'customer'],
      ['ad_referral', 'customer'],
      ['product_referral', 'customer'],
      ['unsupported', 'customer'],
      ['text', 'business'],
      ['image', 'business'],
      ['video', 'business'],
      ['audio', 'business'],
      ['file', 'business'],
      ['template', 'business'],
      ['like_heart', 'business'],
    ];
    // Two conversations, so that each holds no more than the 20 messages Meta details.
    const messages = kinds.map(([kind, from], i) => ({
      kind,
      from,
      timestamp: now - DAY + i * MINUTE,
      // What carries no words on Instagram is sent without.
      text: WORDLESS.has(kind) ? undefined : `${kind} ${from}`,
    }));
    const input = (account: Account, deliver: boolean) => ({
      account: account.igId,
      deliver,
      conversations: [{ messages: messages.slice(0, 12) }, { messages: messages.slice(12) }],
    });
    meta.seedHistory(input(delivered.account, true));
    meta.seedHistory(input(imported.account, false));
    await settled((await backfill(imported)).importId);
    await eventually(async () => (await inboxOf(delivered.connectionId)).length === kinds.length);

    const rows = (connectionId: string) =>
      sql<StoredMessage & Record<string, unknown>>(
        `select kind, direction, content,
                coalesce(jsonb_path_query_array(attachments, '$[*].kind'), '[]') as attachments,
                reply_to_external_id is not null as reply_to,
                provider_data -> 'quickReplyPayload' as quick_reply,
                provider_data -> 'postbackPayload' as postback,
                provider_data -> 'referral' is not null and provider_data -> 'referral' <> 'null' as referral
         from conversation_messages where channel_connection_id = $1 order by occurred_at`,
        [connectionId],
      );
    const fromHistory = await rows(imported.connectionId);
    const fromWebhooks = await rows(delivered.connectionId);
    expect(fromHistory).toHaveLength(kinds.length);
    for (const [i, [kind]] of kinds.entries()) {
      const want = { ...fromWebhooks[i], ...HISTORY_SAYS_LESS[kind] };
      expect({ kind, ...fromHistory[i] }).toEqual({ kind, ...want });
    }
  });
});
