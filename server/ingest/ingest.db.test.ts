// Ingest end to end on a real database: signed deliveries through the real HTTP endpoint, the
// real queue and workers; then redelivery, reordering, racing workers, a crash half-way, and
// every account state.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '#dev/test/database.ts';
import { connectInstagramAccount, type IngestStack, startIngestStack } from '#dev/test/webhook-intake.ts';
import { BROADCAST_EVENTS, conversationTopic, workspaceTopic } from '../realtime/topics.ts';
import type { Services } from '../services.ts';
import { ingestWebhookEvents } from './ingest-webhook-events.ts';
import { replayFailedDeliveries } from './replay-failed-deliveries.ts';

let stack: IngestStack;
let database: TestDatabase;
let services: Services;
let workspaceId: string;
let connectionId: string;
let IG: string;

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  database.query<R>(text, values).then((r) => r.rows);

beforeAll(async () => {
  stack = await startIngestStack();
  ({ database, services } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

// Every test gets its own workspace and Instagram account, so counts never mix.
beforeEach(async () => {
  ({ igId: IG, workspaceId, connectionId } = await connectInstagramAccount(database));
});

const T0 = Date.parse('2026-11-20T10:00:00Z');
const customer = (n = 1) => `58200000000${String(n).padStart(5, '0')}`;
const mid = () => `aWdf${randomBytes(12).toString('base64url')}`;

function fromCustomer(body: Record<string, unknown>, at: number, who = customer()) {
  return { sender: { id: who }, recipient: { id: IG }, timestamp: at, ...body };
}
function echo(body: Record<string, unknown>, at: number, who = customer()) {
  return { sender: { id: IG }, recipient: { id: who }, timestamp: at, message: { is_echo: true, ...body } };
}

const deliver = (items: unknown[], accountId = IG) =>
  stack.intake.deliver([{ id: accountId, messaging: items }]);
const ingested = () => stack.intake.ingested();

const messages = () =>
  sql<{
    external_message_id: string;
    direction: string;
    status: string;
    content: string;
    kind: string;
    edit_count: number;
    unsent_at: Date | null;
    reactions: unknown[];
    seen_at: Date | null;
  }>('select * from conversation_messages where channel_connection_id = $1 order by occurred_at, id', [
    connectionId,
  ]);
const conversations = () =>
  sql<{
    id: string;
    contact_identifier: string;
    unread_count: number;
    last_message_preview: string;
    last_message_at: Date;
    last_inbound_at: Date | null;
    status: string;
  }>('select * from conversations where channel_connection_id = $1 order by contact_identifier', [
    connectionId,
  ]);

describe('ingest', () => {
  it('turns a DM into a conversation, a message, a lead and a contact to enrich', async () => {
    const m = mid();
    await deliver([fromCustomer({ message: { mid: m, text: 'Do you ship to Lisbon?' } }, T0)]);
    await ingested();

    expect(await messages()).toMatchObject([
      {
        external_message_id: m,
        direction: 'INBOUND',
        status: 'RECEIVED',
        content: 'Do you ship to Lisbon?',
        kind: 'text',
      },
    ]);
    expect(await conversations()).toMatchObject([
      {
        contact_identifier: customer(),
        unread_count: 1,
        last_message_preview: 'Do you ship to Lisbon?',
        last_message_at: new Date(T0),
        last_inbound_at: new Date(T0),
      },
    ]);
    expect(
      await sql('select source, contact_identifier from leads where channel_connection_id = $1', [
        connectionId,
      ]),
    ).toEqual([{ source: 'DM', contact_identifier: customer() }]);
    const jobs = await sql<{ data: { igsid: string } }>(
      "select data from pgboss.job where name = 'enrich-contact' and data->>'connectionId' = $1",
      [connectionId],
    );
    expect(jobs.map((j) => j.data.igsid)).toEqual([customer()]);
    expect(
      await sql('select status, event_count, account_ids from webhook_events order by id desc limit 1'),
    ).toEqual([{ status: 'PROCESSED', event_count: 1, account_ids: [IG] }]);
  });

  it('stores a redelivered message once, whether the batch repeats or a new batch carries it', async () => {
    const item = fromCustomer({ message: { mid: mid(), text: 'hi' } }, T0);
    await deliver([item]);
    await deliver([item]);
    await deliver([fromCustomer({ message: { mid: mid(), text: 'again' } }, T0 + 1000), item]);
    await ingested();
    expect((await messages()).map((m) => m.content)).toEqual(['hi', 'again']);
    expect((await conversations())[0]?.unread_count).toBe(2);
  });

  it('applies an edit and a reaction that arrive before their message', async () => {
    const m = mid();
    await deliver([fromCustomer({ message_edit: { mid: m, text: 'size L?', num_edit: 1 } }, T0 + 5000)]);
    await deliver([
      fromCustomer({ reaction: { mid: m, action: 'react', reaction: 'love', emoji: '❤️' } }, T0 + 6000),
    ]);
    await ingested();
    expect(await messages()).toEqual([]);
    expect(
      await sql(
        "select count(*)::int as n from instagram_events where channel_connection_id = $1 and status = 'PENDING'",
        [connectionId],
      ),
    ).toEqual([{ n: 2 }]);

    await deliver([fromCustomer({ message: { mid: m, text: 'size M?' } }, T0)]);
    await ingested();
    expect(await messages()).toMatchObject([
      { content: 'size L?', edit_count: 1, reactions: [{ by: customer(), emoji: '❤️' }] },
    ]);
    expect((await conversations())[0]?.last_message_preview).toBe('size L?');
    expect(
      await sql(
        "select count(*)::int as n from instagram_events where channel_connection_id = $1 and status = 'PENDING'",
        [connectionId],
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('ends in the same state whatever order reaction, unreaction and edits arrive in', async () => {
    const m = mid();
    await deliver([
      fromCustomer({ reaction: { mid: m, action: 'unreact' } }, T0 + 3000),
      fromCustomer({ message_edit: { mid: m, text: 'v2', num_edit: 2 } }, T0 + 2500),
    ]);
    await deliver([fromCustomer({ message: { mid: m, text: 'v0' } }, T0)]);
    await deliver([
      fromCustomer({ message_edit: { mid: m, text: 'v1', num_edit: 1 } }, T0 + 1000),
      fromCustomer({ reaction: { mid: m, action: 'react', emoji: '😂' } }, T0 + 2000),
    ]);
    await ingested();
    expect(await messages()).toMatchObject([{ content: 'v2', edit_count: 2, reactions: [] }]);
  });

  it('tombstones an unsent message even when the unsend came first, and keeps no content', async () => {
    const m = mid();
    await deliver([fromCustomer({ message: { mid: m, is_deleted: true } }, T0 + 60_000)]);
    await deliver([fromCustomer({ message: { mid: m, text: 'oops, wrong chat' } }, T0)]);
    await ingested();
    const [message] = await messages();
    expect(message?.unsent_at).toEqual(new Date(T0 + 60_000));
    expect(message?.content).toBe('');
    expect((await conversations())[0]?.last_message_preview).toBe('Message unsent');
  });

  it('keeps the conversation summary right for deliveries out of order', async () => {
    await deliver([fromCustomer({ message: { mid: mid(), text: 'second' } }, T0 + 2000)]);
    await deliver([fromCustomer({ message: { mid: mid(), text: 'first' } }, T0 + 1000)]);
    await ingested();
    expect(await conversations()).toMatchObject([
      { last_message_preview: 'second', last_message_at: new Date(T0 + 2000), unread_count: 2 },
    ]);
    expect((await messages()).map((m) => m.content)).toEqual(['first', 'second']);
  });

  it('stores echoes from the Instagram app as outbound, and reconciles the echo of our own send', async () => {
    await deliver([fromCustomer({ message: { mid: mid(), text: 'hello?' } }, T0)]);
    await ingested();
    const [conversation] = await conversations();
    const ours = mid();
    await sql(
      `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status,
         content, external_message_id, occurred_at)
       values ($1, $2, $3, 'OUTBOUND', 'UNCERTAIN', 'From the CRM', $4, $5)`,
      [workspaceId, conversation?.id, connectionId, ours, new Date(T0 + 1000)],
    );
    await deliver([
      echo({ mid: ours, text: 'From the CRM' }, T0 + 1000),
      echo({ mid: mid(), text: 'From my phone' }, T0 + 2000),
    ]);
    await ingested();
    expect((await messages()).map((m) => [m.direction, m.content, m.status])).toEqual([
      ['INBOUND', 'hello?', 'RECEIVED'],
      ['OUTBOUND', 'From the CRM', 'SENT'],
      ['OUTBOUND', 'From my phone', 'SENT'],
    ]);
    expect(await conversations()).toMatchObject([
      { unread_count: 1, last_message_preview: 'You: From my phone' },
    ]);
  });

  it('marks our messages seen when the customer reads them', async () => {
    const ours = mid();
    await deliver([
      fromCustomer({ message: { mid: mid(), text: 'hi' } }, T0),
      echo({ mid: ours, text: 'hello!' }, T0 + 1000),
    ]);
    await deliver([fromCustomer({ read: { mid: ours } }, T0 + 5000)]);
    await ingested();
    expect((await messages()).map((m) => m.seen_at)).toEqual([null, new Date(T0 + 5000)]);
  });

  it('records where a lead came from: story reply, story mention, ad, ig.me link', async () => {
    await deliver([
      fromCustomer(
        { message: { mid: mid(), text: 'Love it', reply_to: { story: { id: '180', url: 'https://s' } } } },
        T0,
        customer(1),
      ),
      fromCustomer(
        { message: { mid: mid(), attachments: [{ type: 'story_mention', payload: { url: 'https://m' } }] } },
        T0,
        customer(2),
      ),
      fromCustomer(
        {
          message: {
            mid: mid(),
            text: 'Available?',
            referral: { ref: 'spring', ad_id: '1202', source: 'ADS', type: 'OPEN_THREAD' },
          },
        },
        T0,
        customer(3),
      ),
      fromCustomer(
        { referral: { ref: 'bio_link', source: 'SHORTLINK', type: 'OPEN_THREAD' } },
        T0,
        customer(4),
      ),
    ]);
    await ingested();
    expect(
      await sql(
        'select contact_identifier, source, source_ref, source_ad_id from leads where channel_connection_id = $1 order by 1',
        [connectionId],
      ),
    ).toEqual([
      { contact_identifier: customer(1), source: 'STORY_REPLY', source_ref: null, source_ad_id: null },
      { contact_identifier: customer(2), source: 'STORY_MENTION', source_ref: null, source_ad_id: null },
      { contact_identifier: customer(3), source: 'AD', source_ref: 'spring', source_ad_id: '1202' },
      { contact_identifier: customer(4), source: 'REFERRAL', source_ref: 'bio_link', source_ad_id: null },
    ]);
    expect((await messages()).map((m) => m.kind).sort()).toEqual([
      'referral',
      'story_mention',
      'story_reply',
      'text',
    ]);
  });

  it('keeps events for an account nobody connected as unmatched, and mentions as ignored', async () => {
    const stranger = '17849999999999999';
    await deliver(
      [
        {
          sender: { id: customer() },
          recipient: { id: stranger },
          timestamp: T0,
          message: { mid: mid(), text: 'hi' },
        },
      ],
      stranger,
    );
    const mentions = JSON.stringify({
      object: 'instagram',
      entry: [
        { id: IG, time: T0, changes: [{ field: 'mentions', value: { media_id: '180', comment_id: '179' } }] },
      ],
    });
    expect((await stack.intake.postSigned(mentions)).status).toBe(200);
    await ingested();
    expect(await sql('select status from webhook_events order by id desc limit 2')).toEqual([
      { status: 'IGNORED' },
      { status: 'UNMATCHED' },
    ]);
    expect(await conversations()).toEqual([]);
  });

  it('still stores and shows messages for an account whose token is broken', async () => {
    await sql(
      "update channel_connections set status = 'NEEDS_REAUTH', needs_reauth_reason = 'token expired' where id = $1",
      [connectionId],
    );
    await deliver([fromCustomer({ message: { mid: mid(), text: 'anyone there?' } }, T0)]);
    await ingested();
    expect((await messages()).map((m) => m.content)).toEqual(['anyone there?']);
  });

  it('broadcasts each change on the conversation and workspace topics, with ids only', async () => {
    await deliver([fromCustomer({ message: { mid: mid(), text: 'secret recipe' } }, T0)]);
    await ingested();
    const conversation = conversationTopic((await conversations())[0]?.id as string);
    const workspace = workspaceTopic(workspaceId);
    const broadcasts = await sql<{
      topic: string;
      event: string;
      payload: Record<string, unknown>;
      private: boolean;
    }>(
      'select topic, event, payload, private from realtime.messages where topic in ($1, $2) order by inserted_at',
      [conversation, workspace],
    );
    expect(broadcasts.map(({ topic, event }) => ({ topic, event }))).toEqual(
      expect.arrayContaining([
        { topic: conversation, event: BROADCAST_EVENTS.messageCreated },
        { topic: workspace, event: BROADCAST_EVENTS.messageCreated },
        { topic: workspace, event: BROADCAST_EVENTS.conversationUpdated },
        { topic: workspace, event: BROADCAST_EVENTS.leadCreated },
      ]),
    );
    expect(broadcasts.every((b) => b.private)).toBe(true);
    expect(JSON.stringify(broadcasts)).not.toContain('secret recipe');
  });

  it('ingests a batch of 1000 events across 50 customers exactly', async () => {
    const items = Array.from({ length: 1000 }, (_, i) =>
      fromCustomer({ message: { mid: mid(), text: `m${i}` } }, T0 + i, customer(i % 50)),
    );
    await deliver(items);
    await ingested();
    expect(
      await sql('select count(*)::int as n from conversation_messages where channel_connection_id = $1', [
        connectionId,
      ]),
    ).toEqual([{ n: 1000 }]);
    const summary = await conversations();
    expect(summary).toHaveLength(50);
    expect(summary.every((c) => c.unread_count === 20)).toBe(true);
  });
});

describe('exactly once under races and crashes', () => {
  async function storeDelivery(items: unknown[]): Promise<string> {
    const body = JSON.stringify({ object: 'instagram', entry: [{ id: IG, time: T0, messaging: items }] });
    const [row] = await sql<{ id: string }>(
      'insert into webhook_events (raw_body, signature_valid, object) values ($1, true, $2) returning id',
      [Buffer.from(body), 'instagram'],
    );
    return String(row?.id);
  }

  it('two workers racing on the same deliveries apply each event once', async () => {
    const items = Array.from({ length: 60 }, (_, i) =>
      fromCustomer({ message: { mid: mid(), text: `r${i}` } }, T0 + i, customer(i % 6)),
    );
    const ids = [await storeDelivery(items.slice(0, 30)), await storeDelivery(items.slice(30))];
    const noEnrich = { db: services.db, enqueue: async () => {} };
    await Promise.all([
      ingestWebhookEvents(noEnrich, ids),
      ingestWebhookEvents(noEnrich, [...ids].reverse()),
      ...ids.map((id) => ingestWebhookEvents(noEnrich, [id])),
    ]);
    expect((await messages()).length).toBe(60);
    expect((await conversations()).map((c) => c.unread_count)).toEqual([10, 10, 10, 10, 10, 10]);
  });

  it('an event that fails is quarantined with its error; the rest of its delivery is applied, and a replay completes it', async () => {
    const items = Array.from({ length: 12 }, (_, i) =>
      fromCustomer({ message: { mid: mid(), text: `c${i}` } }, T0 + i, customer(i % 4)),
    );
    const id = await storeDelivery(items);
    // A fault that follows one contact: every attempt to apply its first message fails.
    const crashing = {
      db: services.db,
      enqueue: async (_trx: unknown, _job: unknown, contact: unknown) => {
        if ((contact as { igsid: string }).igsid === customer(2)) throw new Error('worker died');
      },
    };
    expect(await ingestWebhookEvents(crashing, [id])).toEqual(new Map([[id, 'FAILED']]));
    expect(await sql('select status, error from webhook_events where id = $1', [id])).toEqual([
      { status: 'FAILED', error: '3 of 12 events quarantined: worker died' },
    ]);
    expect(
      await sql(
        'select contact_id, status, detail from instagram_events where webhook_event_id = $1 and status <> $2',
        [id, 'APPLIED'],
      ),
    ).toEqual(Array(3).fill({ contact_id: customer(2), status: 'QUARANTINED', detail: 'worker died' }));
    expect((await messages()).length).toBe(9);
    // No conversation is left without the message that opened it.
    expect((await conversations()).map((c) => c.contact_identifier)).toEqual([
      customer(0),
      customer(1),
      customer(3),
    ]);
    expect(await sql('select event_count from ingest_failures where webhook_event_id = $1', [id])).toEqual([
      { event_count: 3 },
    ]);

    expect(await replayFailedDeliveries(services, { accountIds: [IG] })).toBe(1);
    await ingested();
    expect(await sql('select status, error from webhook_events where id = $1', [id])).toEqual([
      { status: 'PROCESSED', error: null },
    ]);
    expect((await messages()).length).toBe(12);
    expect((await conversations()).map((c) => c.unread_count)).toEqual([3, 3, 3, 3]);
  });
});
