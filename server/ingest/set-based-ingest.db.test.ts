// The set-based path of ingest held to the event-by-event one. Seeded streams of customers'
// messages (text, photos, story replies, ad referrals, the business writing to itself, equal and
// out-of-order times, redeliveries), split into deliveries and jobs at random, land on
// conversations that exist already (archived, showing a later message, without a preview) and on
// contacts Meta refused a profile of. The same stream is applied set-based to one account and one
// event at a time to another; everything either wrote, and every job either queued, must match.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { connectInstagramAccount } from '#dev/test/webhook-intake.ts';
import type { Enqueue } from '../jobs/job.ts';
import { ingestWebhookEvents } from './ingest-webhook-events.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

const SEEDS = [1, 2, 3, 4, 5, 6];
const MESSAGES = 60;
const T0 = Date.parse('2026-11-20T10:00:00Z');
const customer = (n: number) => `59100000000${String(n).padStart(5, '0')}`;
/** Who the business's own account writes as when it messages itself. */
const SELF = '59199999999999';

const rows = async <R extends Record<string, unknown>>(text: string, values: unknown[]) =>
  (await database.query<R>(text, values)).rows;

interface Side {
  igId: string;
  connectionId: string;
  jobs: { queue: string; payload: Record<string, unknown> }[];
  /** Ledger ids, in the order the deliveries were stored. */
  deliveries: string[];
}

async function side(): Promise<Side> {
  const { igId, connectionId } = await connectInstagramAccount(database);
  return { igId, connectionId, jobs: [], deliveries: [] };
}

function services(s: Side) {
  const enqueue: Enqueue = async (_trx, job, payload) => {
    s.jobs.push({ queue: job.queue, payload: payload as Record<string, unknown> });
  };
  return { db: database.db, enqueue };
}

async function store(s: Side, items: Record<string, unknown>[]): Promise<string> {
  const messaging = items.map((item) => ({ ...item, recipient: { id: s.igId } }));
  const body = JSON.stringify({ object: 'instagram', entry: [{ id: s.igId, time: T0, messaging }] });
  const [row] = await rows<{ id: string }>(
    `insert into webhook_events (raw_body, signature_valid, object) values ($1, true, 'instagram') returning id`,
    [Buffer.from(body)],
  );
  s.deliveries.push(String(row?.id));
  return String(row?.id);
}

/** One customer's message as Meta sends it (without the recipient, which is each side's account). */
function message(roll: () => number, n: number, at: number): Record<string, unknown> {
  const mid = `aWdf-set-${n}`;
  const who = roll() < 0.1 ? SELF : customer(Math.floor(roll() * 8));
  const shape = Math.floor(roll() * 5);
  const body =
    shape === 0
      ? { mid, attachments: [{ type: 'image', payload: { url: `https://lookaside.fbsbx.com/${n}` } }] }
      : shape === 1
        ? {
            mid,
            text: `about your story ${n}`,
            reply_to: { story: { id: `st${n}`, url: 'https://x.test/s' } },
          }
        : shape === 2
          ? {
              mid,
              text: `from an ad ${n}`,
              referral: { ref: `r${n}`, ad_id: `ad${n}`, source: 'ADS', type: 'OPEN_THREAD' },
            }
          : { mid, text: `hello ${n}` };
  return {
    sender: { id: who },
    timestamp: at,
    message: who === SELF ? { ...body, is_self: true } : body,
  };
}

/** What an account ended with, in terms that do not depend on which account it is. */
async function outcome(s: Side) {
  const delivery = (id: string) => s.deliveries.indexOf(String(id));
  const conversations = await rows(
    `select contact_identifier, status, last_message_at, last_message_preview, last_inbound_at, unread_count,
            is_self, has_direct_messages, has_comments
     from conversations where channel_connection_id = $1 order by contact_identifier`,
    [s.connectionId],
  );
  const messages = await rows(
    `select c.contact_identifier, m.external_message_id, m.direction, m.status, m.kind, m.content, m.attachments,
            m.provider_data, m.occurred_at, m.reply_to_external_id, m.seen_at, m.unsent_at
     from conversation_messages m join conversations c on c.id = m.conversation_id
     where m.channel_connection_id = $1 order by m.external_message_id`,
    [s.connectionId],
  );
  const leads = await rows(
    `select l.contact_identifier, c.contact_identifier as conversation_contact, l.source, l.source_ref,
            l.source_ad_id, l.referral, l.origin_at
     from leads l join conversations c on c.id = l.conversation_id
     where l.channel_connection_id = $1 order by l.contact_identifier`,
    [s.connectionId],
  );
  const contacts = await rows(
    'select igsid, fetch_error, fetched_at from contacts where channel_connection_id = $1 order by igsid',
    [s.connectionId],
  );
  const events = (
    await rows<{ webhook_event_id: string; payload: unknown } & Record<string, unknown>>(
      `select webhook_event_id, dedupe_key, kind, status, detail, contact_id, mid, occurred_at, payload,
              applied_at is not null as applied
       from instagram_events where account_id = $1 order by dedupe_key`,
      [s.igId],
    )
  ).map(({ webhook_event_id, payload, ...event }) => {
    const { accountId: _account, ...rest } = payload as Record<string, unknown>;
    return { ...event, payload: rest, delivery: delivery(webhook_event_id) };
  });
  const ledger = await rows(
    `select status, event_count, error, attempts, processed_at is not null as processed
     from webhook_events where id = any($1::bigint[]) order by id`,
    [s.deliveries],
  );
  // Jobs name rows by id: named here by the contact and Meta's message id instead.
  const ids = new Map(
    (
      await rows<{ id: string; mid: string; contact: string }>(
        `select m.id, m.external_message_id as mid, c.contact_identifier as contact
         from conversation_messages m join conversations c on c.id = m.conversation_id
         where m.channel_connection_id = $1`,
        [s.connectionId],
      )
    ).map((row) => [row.id, `${row.contact}/${row.mid}`]),
  );
  const jobs = s.jobs
    .map(({ queue, payload }) =>
      payload.messageId ? `${queue} ${ids.get(payload.messageId as string)}` : `${queue} ${payload.igsid}`,
    )
    .sort();
  return { conversations, messages, leads, contacts, events, ledger, jobs };
}

it.each(SEEDS)('seed %i: set-based and event by event end the same', async (seed) => {
  const random = seededRandom(seed);
  const roll = () => random.next();
  const setBased = await side();
  const oneByOne = await side();
  const both = async (apply: (s: Side) => Promise<void>) => {
    await apply(setBased);
    await apply(oneByOne);
  };

  // Before: four customers wrote an hour ago; then their conversations changed as operators and
  // time change them, and Meta refused the profile of a fifth who has only commented.
  const earlier = [0, 1, 2, 3].map((n) => ({
    sender: { id: customer(n) },
    timestamp: T0 - 3_600_000 + n,
    message: { mid: `aWdf-before-${n}`, text: `before ${n}` },
  }));
  await both(async (s) => {
    await ingestWebhookEvents(services(s), [await store(s, earlier)], { setBased: false });
    await database.query(
      `update conversations set
         status = case when contact_identifier = $2 then 'ARCHIVED' else status end,
         unread_count = case when contact_identifier = $2 then 0 else unread_count end,
         last_message_at = case when contact_identifier = $3 then $5::timestamptz + interval '1 day' else last_message_at end,
         last_message_preview = case when contact_identifier = $4 then null else last_message_preview end
       where channel_connection_id = $1`,
      [s.connectionId, customer(0), customer(1), customer(2), new Date(T0)],
    );
    await database.query(
      `update contacts set fetch_error = 'no_consent: refused', fetched_at = now() where channel_connection_id = $1 and igsid = $2`,
      [s.connectionId, customer(3)],
    );
    await database.query(
      `insert into contacts (workspace_id, channel_connection_id, igsid, fetch_error, fetched_at)
       select workspace_id, id, $2, 'no_consent: refused', now() from channel_connections where id = $1`,
      [s.connectionId, customer(4)],
    );
    s.jobs.length = 0;
  });

  // The stream: times on a grid of six seconds (equal times are common), in deliveries of 1 to 6 messages,
  // taken by jobs of 1 to 5 deliveries; now and then a delivery comes again in a later job.
  const items = Array.from({ length: MESSAGES }, (_, n) =>
    message(roll, n, T0 + Math.floor(roll() * 6) * 1000),
  );
  const deliveries: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; ) {
    const size = 1 + Math.floor(roll() * 6);
    deliveries.push(items.slice(i, i + size));
    i += size;
  }
  const jobs: Record<string, unknown>[][][] = [];
  for (let i = 0; i < deliveries.length; ) {
    const size = 1 + Math.floor(roll() * 5);
    const job = deliveries.slice(i, i + size);
    if (jobs.length > 0 && roll() < 0.3)
      job.push(deliveries[Math.floor(roll() * i)] as Record<string, unknown>[]);
    jobs.push(job);
    i += size;
  }
  for (const job of jobs) {
    await both(async (s) => {
      const ids: string[] = [];
      for (const items of job) ids.push(await store(s, items));
      await ingestWebhookEvents(services(s), ids, { setBased: s === setBased });
    });
  }

  const expected = await outcome(oneByOne);
  expect(expected.messages).toHaveLength(MESSAGES + earlier.length);
  expect(await outcome(setBased)).toEqual(expected);
});
