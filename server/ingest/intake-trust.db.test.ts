// Intake a business can stake its conversations on, end to end through the signed HTTP endpoint
// and the real workers: what a customer takes back is gone from every table; what Meta sends is
// kept; nothing is dropped without a trace; and a delivery an older release failed is recovered
// by a replay after the upgrade.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '#dev/test/database.ts';
import { tablesHolding } from '#dev/test/find-in-database.ts';
import {
  connectInstagramAccount,
  type IngestStack,
  instagramDeliveryBody,
  startIngestStack,
} from '#dev/test/webhook-intake.ts';
import { ingestWebhookEventsJob } from './ingest-webhook-events.job.ts';
import { replayFailedDeliveries } from './replay-failed-deliveries.ts';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const unique = () => randomBytes(8).toString('hex');
const mid = () => `aWdf${randomBytes(12).toString('base64url')}`;
const customer = () => `5820${randomBytes(6).readUIntBE(0, 6).toString().padStart(12, '0')}`;

let stack: IngestStack;
let IG: string;
let connectionId: string;

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  stack.database.query<R>(text, values).then((r) => r.rows);

function fromCustomer(who: string, body: Record<string, unknown>, at: number) {
  return { sender: { id: who }, recipient: { id: IG }, timestamp: at, ...body };
}

const deliver = (messaging: unknown[]) => stack.intake.deliver([{ id: IG, time: T0, messaging }]);
const ingested = () => stack.intake.ingested();

/** POSTs a hand-made body signed as Meta signs it; the endpoint must store it. */
async function deliverBody(body: string): Promise<void> {
  expect((await stack.intake.postSigned(body)).status).toBe(200);
}

/** Runs every delivery of the account through ingest again, as a replay would. */
async function reingestAll(): Promise<void> {
  const ids = (
    await sql<{ id: string }>('select id::text from webhook_events where $1 = any(account_ids)', [IG])
  ).map((r) => r.id);
  await sql(`update webhook_events set status = 'RECEIVED' where id = any($1::bigint[])`, [ids]);
  await stack.services.db.withService((trx) =>
    stack.services.enqueue(trx, ingestWebhookEventsJob, { webhookEventIds: ids }),
  );
  await ingested();
}

const messageOf = (m: string) =>
  sql<{
    content: string;
    attachments: unknown;
    provider_data: Record<string, unknown> | null;
    unsent_at: Date | null;
    edit_count: number;
    reactions: unknown[];
  }>('select * from conversation_messages where channel_connection_id = $1 and external_message_id = $2', [
    connectionId,
    m,
  ]).then((rows) => rows[0]);

describe('intake you can trust', () => {
  beforeAll(async () => {
    stack = await startIngestStack();
  });
  afterAll(() => stack?.stop());
  beforeEach(async () => {
    ({ igId: IG, connectionId } = await connectInstagramAccount(stack.database));
  });

  for (const order of ['message first', 'unsend first'] as const) {
    it(`an unsent message leaves no copy of its words or media in any table (${order}, redelivered, replayed)`, async () => {
      const who = customer();
      const m = mid();
      const words = `secret ${unique()}`;
      const edited = `edited ${unique()}`;
      const photo = `https://cdn.example/${unique()}.jpg`;
      const story = `https://cdn.example/${unique()}.mp4`;
      const message = fromCustomer(
        who,
        {
          message: {
            mid: m,
            text: words,
            attachments: [{ type: 'image', payload: { url: photo } }],
            reply_to: { story: { url: story, id: '1800' } },
          },
        },
        T0,
      );
      const later = [
        fromCustomer(who, { message_edit: { mid: m, text: edited, num_edit: 1 } }, T0 + 1000),
        fromCustomer(who, { reaction: { mid: m, action: 'react', reaction: 'love', emoji: '❤️' } }, T0 + 2000),
      ];
      const unsend = fromCustomer(who, { message: { mid: m, is_deleted: true } }, T0 + 3000);
      if (order === 'unsend first') {
        await deliver([unsend]);
        await ingested();
      }
      await deliver([message]);
      // Meta redelivers, alone and inside a later batch.
      await deliver([message]);
      await deliver([
        fromCustomer(who, { message: { mid: mid(), text: 'still there?' } }, T0 + 500),
        message,
      ]);
      await deliver(later);
      if (order === 'message first') await deliver([unsend]);
      await ingested();

      const expectGone = async () => {
        expect(await messageOf(m)).toMatchObject({ content: '', attachments: null, edit_count: 1 });
        expect((await messageOf(m))?.unsent_at).not.toBeNull();
        for (const needle of [words, edited, photo, story]) {
          expect(await tablesHolding(stack.database, needle), needle).toEqual([]);
        }
      };
      await expectGone();
      // The redacted deliveries still replay, to the same state.
      await reingestAll();
      await expectGone();
      expect(await sql("select count(*)::int as n from webhook_events where status = 'FAILED'")).toEqual([
        { n: 0 },
      ]);
      expect(
        await sql('select count(*)::int as n from conversation_messages where channel_connection_id = $1', [
          connectionId,
        ]),
      ).toEqual([{ n: 2 }]);
    });
  }

  it('an edit leaves the current words only: the replaced ones are kept nowhere', async () => {
    const who = customer();
    const m = mid();
    const [first, second, third] = [`first ${unique()}`, `second ${unique()}`, `third ${unique()}`];
    await deliver([fromCustomer(who, { message: { mid: m, text: first } }, T0)]);
    await deliver([fromCustomer(who, { message_edit: { mid: m, text: second, num_edit: 1 } }, T0 + 1000)]);
    // A later edit delivered before an earlier one.
    await deliver([fromCustomer(who, { message_edit: { mid: m, text: third, num_edit: 2 } }, T0 + 2000)]);
    await ingested();
    expect(await messageOf(m)).toMatchObject({ content: third, edit_count: 2 });
    expect(await tablesHolding(stack.database, first)).toEqual([]);
    expect(await tablesHolding(stack.database, second)).toEqual([]);
    expect((await tablesHolding(stack.database, third)).sort()).toEqual([
      'public.conversation_messages',
      'public.conversations',
      'public.instagram_events',
      'public.webhook_events',
    ]);
  });

  it('keeps product referrals, the ad context, template cards, stickers, hearts, shared stories and standby', async () => {
    const [shopper, adClicker] = [customer(), customer()];
    const [template, heart, story, sticker, standby] = [mid(), mid(), mid(), mid(), mid()];
    await deliver([
      fromCustomer(
        shopper,
        { message: { mid: mid(), text: 'this one?', referral: { product: { id: '7000000000000001' } } } },
        T0,
      ),
      fromCustomer(
        adClicker,
        {
          message: {
            mid: mid(),
            text: 'still on?',
            referral: {
              ref: 'spring',
              ad_id: '1202',
              source: 'ADS',
              type: 'OPEN_THREAD',
              ads_context_data: {
                ad_title: 'Spring sale',
                photo_url: 'https://cdn.example/ad.jpg',
                post_id: '1800',
              },
            },
          },
        },
        T0,
      ),
      {
        sender: { id: IG },
        recipient: { id: shopper },
        timestamp: T0 + 1000,
        message: {
          mid: template,
          is_echo: true,
          attachments: [
            {
              type: 'template',
              payload: { generic: { elements: [{ title: 'Linen shirt', subtitle: '€49', buttons: [] }] } },
            },
          ],
        },
      },
      fromCustomer(shopper, { message: { mid: heart, attachments: [{ type: 'like_heart' }] } }, T0 + 2000),
      fromCustomer(
        shopper,
        {
          message: {
            mid: story,
            attachments: [
              {
                type: 'ig_story',
                payload: { story_media_url: 'https://cdn.example/st.mp4', story_media_id: '42' },
              },
            ],
          },
        },
        T0 + 3000,
      ),
      fromCustomer(
        shopper,
        {
          message: {
            mid: sticker,
            attachments: [{ type: 'image', payload: { url: 'https://cdn.example/s.png', sticker_id: 3692 } }],
          },
        },
        T0 + 4000,
      ),
    ]);
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: IG,
          time: T0,
          standby: [fromCustomer(shopper, { postback: { mid: standby, title: 'Agent' } }, T0 + 5000)],
        },
      ],
    });
    await deliverBody(body);
    await ingested();

    expect(
      await sql(
        `select source, source_ad_id, referral->>'productId' as product, referral->>'adTitle' as title,
                referral->>'adPhotoUrl' as photo, referral->>'adPostId' as post
         from leads where channel_connection_id = $1 order by source`,
        [connectionId],
      ),
    ).toEqual([
      {
        source: 'AD',
        source_ad_id: '1202',
        product: null,
        title: 'Spring sale',
        photo: 'https://cdn.example/ad.jpg',
        post: '1800',
      },
      {
        source: 'PRODUCT',
        source_ad_id: null,
        product: '7000000000000001',
        title: null,
        photo: null,
        post: null,
      },
    ]);
    expect(await messageOf(template)).toMatchObject({
      attachments: [{ kind: 'template', elements: [{ title: 'Linen shirt', subtitle: '€49' }] }],
    });
    expect(await messageOf(heart)).toMatchObject({ attachments: [{ kind: 'like_heart' }] });
    expect(await messageOf(story)).toMatchObject({
      attachments: [{ kind: 'ig_story', url: 'https://cdn.example/st.mp4', mediaId: '42' }],
    });
    expect(await messageOf(sticker)).toMatchObject({ attachments: [{ kind: 'image', stickerId: '3692' }] });
    expect(await messageOf(standby)).toMatchObject({ provider_data: { standby: true } });
    expect(await sql("select count(*)::int as n from instagram_events where status = 'QUARANTINED'")).toEqual(
      [{ n: 0 }],
    );
  });

  it('keeps self-messages out of the customer conversations: no lead, nothing unread, not listed', async () => {
    const self = customer();
    await deliver([
      {
        sender: { id: IG },
        recipient: { id: self },
        timestamp: T0,
        message: { mid: mid(), text: 'test', is_echo: true, is_self: true },
      },
      {
        ...fromCustomer(self, { postback: { mid: mid(), title: 'Menu', payload: 'MENU' } }, T0 + 1000),
        is_self: true,
      },
    ]);
    await ingested();
    expect(
      await sql('select is_self, unread_count from conversations where channel_connection_id = $1', [
        connectionId,
      ]),
    ).toEqual([{ is_self: true, unread_count: 0 }]);
    expect(
      await sql('select count(*)::int as n from leads where channel_connection_id = $1', [connectionId]),
    ).toEqual([{ n: 0 }]);
    expect(
      await sql('select count(*)::int as n from conversation_messages where channel_connection_id = $1', [
        connectionId,
      ]),
    ).toEqual([{ n: 2 }]);
  });

  it('nothing vanishes: an unreadable entry time keeps its messages; an unreadable item is kept with its reason', async () => {
    const who = customer();
    const kept = mid();
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: IG,
          time: 'not a time',
          messaging: [
            fromCustomer(who, { message: { mid: kept, text: 'hello' } }, T0),
            fromCustomer(who, { reaction: { mid: kept, action: 'explode' } }, T0 + 1000),
          ],
        },
      ],
    });
    await deliverBody(body);
    await ingested();
    expect(await messageOf(kept)).toMatchObject({ content: 'hello' });
    expect(
      await sql(
        'select kind, status, detail from instagram_events where channel_connection_id = $1 order by id',
        [connectionId],
      ),
    ).toEqual([
      { kind: 'message', status: 'APPLIED', detail: null },
      {
        kind: 'unparsed',
        status: 'QUARANTINED',
        detail: expect.stringMatching(/^unreadable messaging item \(reaction\.action: /),
      },
    ]);
    expect(await sql('select status, error from webhook_events where $1 = any(account_ids)', [IG])).toEqual([
      {
        status: 'FAILED',
        error: expect.stringMatching(/^1 of 2 events quarantined: unreadable messaging item/),
      },
    ]);
    expect(
      await sql('select event_count from ingest_failures where channel_connection_id = $1', [connectionId]),
    ).toEqual([{ event_count: 1 }]);
  });

  it('two senders using one message id: the first is stored, the second kept aside, no empty conversation', async () => {
    const [a, b] = [customer(), customer()];
    const shared = mid();
    await deliver([
      fromCustomer(a, { message: { mid: shared, text: 'from a' } }, T0),
      fromCustomer(b, { message: { mid: shared, text: 'from b' } }, T0 + 1),
    ]);
    await ingested();
    expect(
      await sql('select contact_identifier from conversations where channel_connection_id = $1', [
        connectionId,
      ]),
    ).toEqual([{ contact_identifier: a }]);
    expect(
      await sql(
        "select contact_id, detail from instagram_events where status = 'QUARANTINED' and channel_connection_id = $1",
        [connectionId],
      ),
    ).toEqual([{ contact_id: b, detail: "message id already used by another sender's event" }]);
  });
});

describe('recovery after upgrading', () => {
  let upgraded: IngestStack | undefined;
  afterAll(() => upgraded?.stop());

  it('a delivery the old ingest failed (a reaction on a photo) is recovered by a replay', async () => {
    // The database as the release before this fix left it.
    const database = await createTestDatabase({ before: '20261202000000' });
    const account = await connectInstagramAccount(database);
    IG = account.igId;
    connectionId = account.connectionId;
    const who = customer();
    const photo = mid();
    const items = [
      fromCustomer(
        who,
        {
          message: {
            mid: photo,
            attachments: [{ type: 'image', payload: { url: 'https://cdn.example/p.jpg' } }],
          },
        },
        T0,
      ),
      fromCustomer(who, { message: { mid: mid(), text: 'this one, in M?' } }, T0 + 1000),
      fromCustomer(
        who,
        { reaction: { mid: photo, action: 'react', reaction: 'love', emoji: '❤️' } },
        T0 + 2000,
      ),
    ];
    // What the old ingest left: the delivery FAILED with the jsonb error, the conversation it had
    // created up front (empty, its savepoint rolled back), and the failure counted for Health.
    const { rows } = await database.query<{ id: string; workspace_id: string }>(
      `insert into webhook_events (raw_body, signature_valid, object, status, attempts, account_ids, event_count, error)
       values ($1, true, 'instagram', 'FAILED', 1, array[$2], 3, 'invalid input syntax for type json')
       returning id, (select workspace_id from channel_connections where id = $3)`,
      [Buffer.from(instagramDeliveryBody([{ id: IG, time: T0, messaging: items }])), IG, connectionId],
    );
    const failed = rows[0] as { id: string; workspace_id: string };
    await database.query(
      `insert into conversations (workspace_id, channel_connection_id, contact_identifier, last_message_at)
       values ($1, $2, $3, $4)`,
      [failed.workspace_id, connectionId, who, new Date(T0)],
    );
    await database.query(
      `insert into ingest_failures (webhook_event_id, workspace_id, channel_connection_id, event_count)
       values ($1, $2, $3, 3)`,
      [failed.id, failed.workspace_id, connectionId],
    );

    await database.migrate();
    upgraded = await startIngestStack(database);
    stack = upgraded;
    // The upgrade removed the conversation that had no message.
    expect(await sql('select count(*)::int as n from conversations')).toEqual([{ n: 0 }]);

    expect(await replayFailedDeliveries(upgraded.services)).toBe(1);
    await ingested();
    expect(await sql('select status, error from webhook_events')).toEqual([
      { status: 'PROCESSED', error: null },
    ]);
    expect(await sql('select unread_count, last_message_preview from conversations')).toEqual([
      { unread_count: 2, last_message_preview: 'this one, in M?' },
    ]);
    expect(await messageOf(photo)).toMatchObject({
      attachments: [{ kind: 'image', url: 'https://cdn.example/p.jpg' }],
      reactions: [{ by: who, emoji: '❤️' }],
    });
    expect(await sql('select source from leads')).toEqual([{ source: 'DM' }]);
  });
});
