// Every way a webhook event refers to a message by its mid (reaction, unreaction, edit, unsend,
// seen, quote), against every kind of message Meta sends, in every arrival order: in one delivery,
// in two, the referring event first (in a delivery of its own, or listed first in the same one),
// and then all of it delivered once more. The cases are generated from the tables below. Each case
// has a customer of its own, so no case can see another's effects; all of them share one account
// and go through the real, signed HTTP endpoint in a few large deliveries, which keeps the run short.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectInstagramAccount,
  type IngestStack,
  newInstagramAccountId,
  startIngestStack,
  type WebhookEntry,
} from '#dev/test/webhook-intake.ts';

type Direction = 'INBOUND' | 'OUTBOUND';
/** One `messaging[]` item, or part of one, as Meta sends it. */
type Item = Record<string, unknown>;

const IG = newInstagramAccountId();
const T0 = Date.parse('2026-11-20T10:00:00Z');
const cdn = (asset: string) => `https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=${asset}&signature=s`;

// ---------------------------------------------------------------------------------------------
// Message kinds: what Meta sends (shapes from Meta's reference) and the row it must become.
// ---------------------------------------------------------------------------------------------

interface MessageKind {
  name: string;
  /** Who can send it: customers, the business (an echo), or both. */
  directions: Direction[];
  /** The item's payload for a message with this mid: a `message` (without is_echo) or a `postback`. */
  wire(mid: string): Item;
  /** The stored row, before anything refers to it. */
  row: { kind: string; content: string; attachments: Item[] | null; provider_data?: Item };
  /** A lead this message opens says where the customer came from. */
  leadSource?: Item;
}

const BOTH: Direction[] = ['INBOUND', 'OUTBOUND'];
const CUSTOMER_ONLY: Direction[] = ['INBOUND'];

/** An attachment Meta sends, and what we keep of it (its kind, Meta's type verbatim, url, title, media id). */
interface AttachmentCase {
  name: string;
  directions: Direction[];
  wire: Item;
  stored: Item;
  leadSource?: Item;
}

const ATTACHMENTS: AttachmentCase[] = [
  ...(['image', 'video', 'audio', 'file'] as const).map((type) => ({
    name: type,
    directions: BOTH,
    wire: { type, payload: { url: cdn(type) } },
    stored: { kind: type, type, url: cdn(type), title: null, mediaId: null },
  })),
  {
    name: 'share',
    directions: BOTH,
    wire: { type: 'share', payload: { url: cdn('share') } },
    stored: { kind: 'share', type: 'share', url: cdn('share'), mediaId: null },
  },
  {
    name: 'ig_post',
    directions: BOTH,
    wire: {
      type: 'ig_post',
      payload: { url: cdn('post'), title: 'New drop', ig_post_media_id: '18000000000000101' },
    },
    stored: {
      kind: 'ig_post',
      type: 'ig_post',
      url: cdn('post'),
      title: 'New drop',
      mediaId: '18000000000000101',
    },
  },
  {
    name: 'ig_reel',
    directions: BOTH,
    wire: {
      type: 'ig_reel',
      payload: { url: cdn('reel'), title: 'Behind the scenes', reel_video_id: '18000000000000202' },
    },
    stored: {
      kind: 'ig_reel',
      type: 'ig_reel',
      url: cdn('reel'),
      title: 'Behind the scenes',
      mediaId: '18000000000000202',
    },
  },
  {
    name: 'reel',
    directions: BOTH,
    wire: { type: 'reel', payload: { url: cdn('fb-reel') } },
    stored: { kind: 'ig_reel', type: 'reel', url: cdn('fb-reel') },
  },
  {
    name: 'story_mention',
    directions: CUSTOMER_ONLY,
    wire: { type: 'story_mention', payload: { url: cdn('mention') } },
    stored: { kind: 'story_mention', type: 'story_mention', url: cdn('mention') },
    leadSource: { source: 'STORY_MENTION' },
  },
  {
    // Meta sends a shared story as {url} in some payloads and as story_media_url/_id in others.
    name: 'ig_story',
    directions: CUSTOMER_ONLY,
    wire: {
      type: 'ig_story',
      payload: { story_media_url: cdn('story'), story_media_id: '18000000000000303' },
    },
    stored: { kind: 'ig_story', type: 'ig_story', url: cdn('story'), mediaId: '18000000000000303' },
  },
  {
    name: 'like_heart',
    directions: BOTH,
    wire: { type: 'like_heart' },
    stored: { kind: 'like_heart', type: 'like_heart', url: null },
  },
  {
    name: 'ephemeral',
    directions: CUSTOMER_ONLY,
    wire: { type: 'ephemeral' },
    stored: { kind: 'ephemeral', type: 'ephemeral', url: null },
  },
  {
    name: 'sticker',
    directions: BOTH,
    wire: { type: 'image', payload: { url: cdn('sticker'), sticker_id: 369239263222822 } },
    stored: { kind: 'image', type: 'image', url: cdn('sticker') },
  },
];

const AD_REFERRAL = {
  ref: 'spring_promo',
  ad_id: '120200000000000001',
  source: 'ADS',
  type: 'OPEN_THREAD',
  ads_context_data: { ad_title: 'Spring sale', photo_url: cdn('ad'), post_id: '18000000000000404' },
};

const KINDS: MessageKind[] = [
  {
    name: 'text',
    directions: BOTH,
    wire: (mid) => ({ message: { mid, text: 'Do you ship to Lisbon?' } }),
    row: { kind: 'text', content: 'Do you ship to Lisbon?', attachments: null },
  },
  ...ATTACHMENTS.map(
    (a): MessageKind => ({
      name: a.name,
      directions: a.directions,
      wire: (mid) => ({ message: { mid, attachments: [a.wire] } }),
      row: { kind: a.stored.kind as string, content: '', attachments: [a.stored] },
      leadSource: a.leadSource,
    }),
  ),
  {
    name: 'story reply',
    directions: CUSTOMER_ONLY,
    wire: (mid) => ({
      message: {
        mid,
        text: 'Love this look!',
        reply_to: { story: { url: cdn('own-story'), id: '18000000000000123' } },
      },
    }),
    row: {
      kind: 'story_reply',
      content: 'Love this look!',
      attachments: null,
      provider_data: { replyToStory: { storyId: '18000000000000123', url: cdn('own-story') } },
    },
    leadSource: { source: 'STORY_REPLY' },
  },
  {
    name: 'unsupported',
    directions: CUSTOMER_ONLY,
    wire: (mid) => ({ message: { mid, is_unsupported: true } }),
    row: { kind: 'unsupported', content: '', attachments: null },
  },
  {
    name: 'quick reply',
    directions: CUSTOMER_ONLY,
    wire: (mid) => ({ message: { mid, text: 'Book a visit', quick_reply: { payload: 'BOOK_VISIT' } } }),
    row: {
      kind: 'text',
      content: 'Book a visit',
      attachments: null,
      provider_data: { quickReplyPayload: 'BOOK_VISIT' },
    },
  },
  {
    name: 'postback',
    directions: CUSTOMER_ONLY,
    wire: (mid) => ({ postback: { mid, title: 'Talk to an agent', payload: 'CARE_HELP' } }),
    row: {
      kind: 'postback',
      content: 'Talk to an agent',
      attachments: null,
      provider_data: { postbackPayload: 'CARE_HELP' },
    },
  },
  {
    name: 'ad referral',
    directions: CUSTOMER_ONLY,
    wire: (mid) => ({ message: { mid, text: 'Is this still available?', referral: AD_REFERRAL } }),
    row: {
      kind: 'text',
      content: 'Is this still available?',
      attachments: null,
      provider_data: {
        referral: { ref: 'spring_promo', adId: '120200000000000001', source: 'ADS', adTitle: 'Spring sale' },
      },
    },
    leadSource: { source: 'AD', source_ref: 'spring_promo', source_ad_id: '120200000000000001' },
  },
  {
    // Meta echoes a generic template the business sent; customers never send one.
    name: 'template',
    directions: ['OUTBOUND'],
    wire: (mid) => ({
      message: {
        mid,
        attachments: [
          {
            type: 'template',
            payload: {
              generic: {
                elements: [
                  {
                    title: 'Spring sale',
                    subtitle: 'Up to 40% off',
                    image_url: cdn('template'),
                    buttons: [{ type: 'postback', title: 'Talk to an agent', payload: 'CARE_HELP' }],
                  },
                ],
              },
            },
          },
        ],
      },
    }),
    row: { kind: 'template', content: '', attachments: [{ kind: 'template', type: 'template' }] },
  },
];

// ---------------------------------------------------------------------------------------------
// Targeting events: what refers to the message, and what it must have done to it in the end.
// ---------------------------------------------------------------------------------------------

interface Case {
  title: string;
  kind: MessageKind;
  direction: Direction;
  target: Target;
  mode: Mode;
  customer: string;
  /** The target message's mid, and the mid of the customer's message quoting it. */
  mid: string;
  quoteMid: string;
  /** Meta's time of the target message; referring events follow a second apart. */
  at: number;
}

interface Target {
  name: string;
  /** Which messages Meta lets this event refer to. */
  directions: Direction[];
  /** The referring items, later than the message. */
  items(c: Case): Item[];
  /** Event kinds the case records besides its message (all of them must end APPLIED). */
  eventKinds: string[];
  /** How the target row differs at the end from the row its message made. */
  finalRow(c: Case): Item;
}

const fromCustomer = (c: Case, at: number, body: Item): Item => ({
  sender: { id: c.customer },
  recipient: { id: IG },
  timestamp: at,
  ...body,
});

const TARGETS: Target[] = [
  {
    name: 'reaction',
    directions: BOTH,
    items: (c) => [
      fromCustomer(c, c.at + 1000, {
        reaction: { mid: c.mid, action: 'react', reaction: 'love', emoji: '❤️' },
      }),
    ],
    eventKinds: ['reaction'],
    finalRow: (c) => ({ reactions: [{ by: c.customer, reaction: 'love', emoji: '❤️' }] }),
  },
  {
    name: 'unreaction',
    directions: BOTH,
    items: (c) => [
      fromCustomer(c, c.at + 1000, {
        reaction: { mid: c.mid, action: 'react', reaction: 'laugh', emoji: '😂' },
      }),
      fromCustomer(c, c.at + 2000, { reaction: { mid: c.mid, action: 'unreact' } }),
    ],
    eventKinds: ['reaction', 'reaction'],
    finalRow: () => ({ reactions: [] }),
  },
  {
    // Customers edit only their own messages.
    name: 'edit',
    directions: CUSTOMER_ONLY,
    items: (c) => [
      fromCustomer(c, c.at + 1000, { message_edit: { mid: c.mid, text: 'Size L, please', num_edit: 1 } }),
    ],
    eventKinds: ['edit'],
    finalRow: (c) => ({ content: 'Size L, please', edit_count: 1, edited_at: new Date(c.at + 1000) }),
  },
  {
    name: 'unsend',
    directions: CUSTOMER_ONLY,
    items: (c) => [fromCustomer(c, c.at + 1000, { message: { mid: c.mid, is_deleted: true } })],
    eventKinds: ['unsend'],
    // The customer took it back: nothing of its content stays (the story it answered, the button
    // it tapped included; where it came from is not its content and stays).
    finalRow: (c) => ({
      content: '',
      attachments: null,
      unsent_at: new Date(c.at + 1000),
      ...(c.kind.row.provider_data
        ? {
            provider_data: {
              ...c.kind.row.provider_data,
              replyToStory: null,
              quickReplyPayload: null,
              postbackPayload: null,
            },
          }
        : {}),
    }),
  },
  {
    // A customer sees what the business sent.
    name: 'seen',
    directions: ['OUTBOUND'],
    items: (c) => [fromCustomer(c, c.at + 1000, { read: { mid: c.mid } })],
    eventKinds: ['read'],
    finalRow: (c) => ({ seen_at: new Date(c.at + 1000) }),
  },
  {
    name: 'quote',
    directions: BOTH,
    items: (c) => [
      fromCustomer(c, c.at + 1000, {
        message: { mid: c.quoteMid, text: 'this one', reply_to: { mid: c.mid } },
      }),
    ],
    eventKinds: ['message'],
    finalRow: () => ({}),
  },
];

// ---------------------------------------------------------------------------------------------
// Arrival orders. A delivery is a list of entries, each a list of items; a mode says which
// deliveries go before the first ingest has finished, and which after it.
// ---------------------------------------------------------------------------------------------

type Delivery = Item[][];

interface Mode {
  name: string;
  phases(message: Item, referring: Item[]): [Delivery[], Delivery[]];
}

const MODES: Mode[] = [
  { name: 'in order, one delivery', phases: (m, r) => [[[[m, ...r]]], []] },
  { name: 'in order, two deliveries', phases: (m, r) => [[[[m]]], [[r]]] },
  { name: 'referring event first, two deliveries', phases: (m, r) => [[[r]], [[[m]]]] },
  // Later timestamps listed first: ingest must go by Meta's timestamps, not the order of the list.
  { name: 'referring event listed first, one entry', phases: (m, r) => [[[[...r, m]]], []] },
  { name: 'referring event listed first, separate entries', phases: (m, r) => [[[r, [m]]], []] },
];

// ---------------------------------------------------------------------------------------------
// The generated cases.
// ---------------------------------------------------------------------------------------------

const mid = (n: number, role: string) => `aWdf${Buffer.from(`matrix:${n}:${role}`).toString('base64url')}`;

function generateCases(): Case[] {
  const cases: Case[] = [];
  for (const kind of KINDS)
    for (const direction of kind.directions)
      for (const target of TARGETS.filter((t) => t.directions.includes(direction)))
        for (const mode of MODES) {
          const n = cases.length;
          const who = direction === 'INBOUND' ? 'customer' : 'echo';
          cases.push({
            title: `${target.name} → ${who} ${kind.name} · ${mode.name}`,
            kind,
            direction,
            target,
            mode,
            customer: `5821${String(n).padStart(12, '0')}`,
            mid: mid(n, 'target'),
            quoteMid: mid(n, 'quote'),
            at: T0 + n * 10_000,
          });
        }
  return cases;
}

const CASES = generateCases();

function messageItem(c: Case): Item {
  const wire = c.kind.wire(c.mid);
  if (c.direction === 'INBOUND') return fromCustomer(c, c.at, wire);
  const message = { ...(wire.message as Item), is_echo: true };
  return { sender: { id: IG }, recipient: { id: c.customer }, timestamp: c.at, message };
}

/** The row the target message must be at the end: what it arrived as, then what referred to it. */
function expectedTargetRow(c: Case): Item {
  const { provider_data, ...row } = c.kind.row;
  const providerData = c.direction === 'OUTBOUND' ? { ...provider_data, origin: 'echo' } : provider_data;
  return {
    direction: c.direction,
    status: c.direction === 'OUTBOUND' ? 'SENT' : 'RECEIVED',
    ...row,
    ...(providerData ? { provider_data: providerData } : {}),
    reactions: [],
    edit_count: 0,
    edited_at: null,
    unsent_at: null,
    seen_at: null,
    ...c.target.finalRow(c),
  };
}

/** The case's lead, when a customer's message is part of it; from the earliest such message. */
function expectedLead(c: Case): Item | undefined {
  if (c.direction === 'INBOUND') return c.kind.leadSource ?? { source: 'DM' };
  return c.target.name === 'quote' ? { source: 'DM' } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Delivering every case, and reading the end state back.
// ---------------------------------------------------------------------------------------------

/** Case deliveries per combined POST: ~100 items, well inside Meta's 1000 per batch. */
const CASES_PER_DELIVERY = 40;

/** Posts each case's deliveries, several cases' entries to a POST, and waits for ingest. */
async function deliverAll(stack: IngestStack, deliveries: Delivery[]): Promise<void> {
  const posts: WebhookEntry[][] = [];
  for (let i = 0; i < deliveries.length; i += CASES_PER_DELIVERY) {
    const entries = deliveries.slice(i, i + CASES_PER_DELIVERY).flat();
    posts.push(entries.map((messaging) => ({ id: IG, messaging })));
  }
  await Promise.all(posts.map((entries) => stack.intake.deliver(entries)));
  await stack.intake.ingested(60_000);
}

interface MessageRow extends Item {
  id: string;
  conversation_id: string;
  external_message_id: string;
}

/** Everything ingest wrote for the account, by customer and by mid. */
interface World {
  messagesByMid: Map<string, MessageRow[]>;
  messagesByConversation: Map<string, MessageRow[]>;
  conversations: Map<string, Item[]>;
  leads: Map<string, Item[]>;
  events: Map<string, { kind: string; status: string }[]>;
}

function groupBy<T extends Item>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
}

async function readWorld(stack: IngestStack, connectionId: string): Promise<World> {
  const rows = async <R extends Item>(text: string) =>
    (await stack.database.query<R>(text, [connectionId])).rows;
  // Everything but bookkeeping times: a redelivery must leave each of these exactly as it was.
  const messages = await rows<MessageRow>(
    `select id, conversation_id, external_message_id, direction, status, kind, content, attachments,
            reply_to_external_id, reactions, edit_count, edited_at, unsent_at, seen_at, occurred_at, provider_data
       from conversation_messages where channel_connection_id = $1 order by occurred_at, id`,
  );
  const conversations = await rows<{ contact_identifier: string }>(
    `select id, contact_identifier, status, last_message_at, last_message_preview, last_inbound_at, unread_count
       from conversations where channel_connection_id = $1 order by id`,
  );
  const leads = await rows<{ contact_identifier: string }>(
    `select id, contact_identifier, conversation_id, source, source_ref, source_ad_id
       from leads where channel_connection_id = $1 order by id`,
  );
  const events = await rows<{ contact_id: string; kind: string; status: string }>(
    `select contact_id, kind, status from instagram_events
      where channel_connection_id = $1 order by contact_id, kind, id`,
  );
  return {
    messagesByMid: groupBy(messages, (m) => m.external_message_id),
    messagesByConversation: groupBy(messages, (m) => m.conversation_id),
    conversations: groupBy(conversations, (c) => c.contact_identifier),
    leads: groupBy(leads, (l) => l.contact_identifier),
    events: new Map(
      [...groupBy(events, (e) => e.contact_id)].map(([k, v]) => [
        k,
        v.map(({ kind, status }) => ({ kind, status })),
      ]),
    ),
  };
}

/** Everything one case left behind, for comparing before and after the redelivery. */
function caseState(world: World, c: Case) {
  const conversations = world.conversations.get(c.customer) ?? [];
  return {
    conversations,
    messages: conversations.flatMap((conv) => world.messagesByConversation.get(conv.id as string) ?? []),
    leads: world.leads.get(c.customer) ?? [],
    events: world.events.get(c.customer) ?? [],
  };
}

async function failedDeliveries(stack: IngestStack): Promise<typeof failed> {
  const { rows } = await stack.database.query<{ error: string }>(
    "select error from webhook_events where status = 'FAILED'",
  );
  const errors = new Set(rows.flatMap((r) => r.error.split('; ')));
  return { deliveries: rows.length, errors: [...errors].sort() };
}

// ---------------------------------------------------------------------------------------------

let stack: IngestStack;
let connectionId: string;
let beforeRedelivery: World;
let afterRedelivery: World;
/** Deliveries ingest failed, and the distinct errors they recorded (one per failed conversation). */
let failed: { deliveries: number; errors: string[] };

beforeAll(async () => {
  stack = await startIngestStack();
  ({ connectionId } = await connectInstagramAccount(stack.database, IG));
  const plans = CASES.map((c) => c.mode.phases(messageItem(c), c.target.items(c)));
  const first = plans.flatMap(([deliveries]) => deliveries);
  const second = plans.flatMap(([, deliveries]) => deliveries);
  // Each phase is fully ingested before the next starts: "first" really is applied first.
  await deliverAll(stack, first);
  await deliverAll(stack, second);
  beforeRedelivery = await readWorld(stack, connectionId);
  await deliverAll(stack, [...first, ...second]);
  afterRedelivery = await readWorld(stack, connectionId);
  failed = await failedDeliveries(stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

// Each case: its message once, in its final state, in one conversation; a redelivery changes nothing.
describe('each case', () => {
  for (const c of CASES)
    it(c.title, () => {
      const world = afterRedelivery;
      const why = failed.deliveries > 0 ? ` (deliveries failed with: ${failed.errors.join(' | ')})` : '';

      // Each of the case's events recorded once and applied: none waits, none quarantined.
      const expectedEvents = [c.kind.name === 'postback' ? 'postback' : 'message', ...c.target.eventKinds]
        .sort()
        .map((kind) => ({ kind, status: 'APPLIED' }));
      expect(world.events.get(c.customer) ?? [], `the case's events${why}`).toEqual(expectedEvents);

      const targets = world.messagesByMid.get(c.mid) ?? [];
      expect(targets, 'the target message, stored once').toHaveLength(1);
      expect(targets[0]).toMatchObject(expectedTargetRow(c));

      if (c.target.name === 'quote') {
        expect(world.messagesByMid.get(c.quoteMid) ?? []).toMatchObject([
          { direction: 'INBOUND', content: 'this one', reply_to_external_id: c.mid },
        ]);
      }

      const conversations = world.conversations.get(c.customer) ?? [];
      expect(conversations, 'one conversation for the customer').toHaveLength(1);
      const messageCount = c.target.name === 'quote' ? 2 : 1;
      expect(caseState(world, c).messages, 'the conversation holds the case messages').toHaveLength(
        messageCount,
      );

      const lead = expectedLead(c);
      if (lead)
        expect(world.leads.get(c.customer) ?? [], 'one lead, from the earliest message').toMatchObject([
          lead,
        ]);

      expect(caseState(afterRedelivery, c), 'state after the redelivery').toEqual(
        caseState(beforeRedelivery, c),
      );
    });
});

describe('the whole matrix', () => {
  it('generates a case for every pair Meta can send, in every arrival order', () => {
    const pairs = new Set(CASES.map((c) => `${c.kind.name}/${c.direction}/${c.target.name}`));
    expect(CASES).toHaveLength(pairs.size * MODES.length);
    // 19 kinds customers send × 5 targets, and 12 kinds the business sends × 4 targets.
    expect(pairs.size).toBe(19 * 5 + 12 * 4);
  });

  it('fails no delivery', () => {
    expect(failed).toEqual({ deliveries: 0, errors: [] });
  });

  it('leaves no event of the account unapplied (pending, quarantined or otherwise)', async () => {
    const { rows } = await stack.database.query(
      `select status, kind, count(*)::int as n from instagram_events
        where channel_connection_id = $1 and status <> 'APPLIED' group by 1, 2 order by 1, 2`,
      [connectionId],
    );
    expect(rows).toEqual([]);
  });

  it('leaves no conversation without messages', async () => {
    const { rows } = await stack.database.query(
      `select contact_identifier from conversations c where channel_connection_id = $1
         and not exists (select 1 from conversation_messages m where m.conversation_id = c.id)
       order by 1`,
      [connectionId],
    );
    expect(rows).toEqual([]);
  });

  it('keeps every count through the redelivery', () => {
    const counts = (world: World) => ({
      messages: [...world.messagesByMid.values()].flat().length,
      conversations: world.conversations.size,
      leads: [...world.leads.values()].flat().length,
      events: [...world.events.values()].flat().length,
    });
    expect(counts(afterRedelivery)).toEqual(counts(beforeRedelivery));
  });
});
