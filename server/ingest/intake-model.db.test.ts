// A reference model for intake: a seeded generator makes 1,000 webhook events for two business
// accounts (each in a workspace of its own) and their customers, the way Meta sends them: mixed
// message kinds, echoes, edits, reactions, unsends, seen marks, self-messaging, events delivered
// before the message they refer to, and exact duplicates. They go through the real, signed HTTP
// endpoint in deliveries of random sizes, shuffled. A small model, written here in plain
// TypeScript and sharing no code with the app, says what each account must end with; the
// database must match it exactly, and still match after the whole batch is delivered again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import { connectInstagramAccount, type IngestStack, startIngestStack } from '#dev/test/webhook-intake.ts';

/** One `messaging[]` item as Meta sends it. */
interface Item {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
  [field: string]: unknown;
}

const SEEDS = [1, 2, 3];
const EVENTS_PER_SEED = 1000;
const CUSTOMERS_PER_ACCOUNT = 40;
const T0 = Date.parse('2026-11-20T10:00:00Z');
const cdn = (asset: string) => `https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=${asset}&signature=s`;

// ---------------------------------------------------------------------------------------------
// Random choices
// ---------------------------------------------------------------------------------------------

interface Dice {
  chance(p: number): boolean;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  weighted<T extends string>(weights: Record<T, number>): T;
  shuffle<T>(items: T[]): T[];
}

function dice(seed: number): Dice {
  const random = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(random.next() * (max - min + 1));
  return {
    chance: (p) => random.next() < p,
    int,
    pick: (items) => items[int(0, items.length - 1)] as (typeof items)[number],
    weighted(weights) {
      const entries = Object.entries(weights) as [keyof typeof weights, number][];
      let roll = random.next() * entries.reduce((sum, [, w]) => sum + w, 0);
      for (const [value, weight] of entries) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return (entries.at(-1) as [keyof typeof weights, number])[0];
    },
    shuffle: (items) => random.shuffle(items),
  };
}

// ---------------------------------------------------------------------------------------------
// The generator: what Meta could send, in time order, with the state it needs to stay plausible
// (only existing messages are edited, reacted to, unsent or seen, and never after an unsend).
// ---------------------------------------------------------------------------------------------

interface AccountSpec {
  name: string;
  igId: string;
  /** The recipient of the business's messages to itself (Meta's "self" echoes, marked is_self). */
  selfId: string;
  customers: string[];
}

type EventKind =
  | 'message'
  | 'postback'
  | 'referral'
  | 'echo'
  | 'self'
  | 'edit'
  | 'react'
  | 'unreact'
  | 'unsend'
  | 'seen'
  | 'duplicate';

interface SentMessage {
  mid: string;
  account: AccountSpec;
  customer: string;
  direction: 'INBOUND' | 'OUTBOUND';
  /** A customer's plain text: the only thing customers edit. */
  editable: boolean;
  /** A customer's message (not a postback): the only thing customers unsend. */
  unsendable: boolean;
  edits: number;
  reacted: boolean;
  unsent: boolean;
}

/** One item of the stream, with the business account whose entry carries it. */
interface Sent {
  account: AccountSpec;
  item: Item;
}

interface Generated {
  accounts: AccountSpec[];
  /** Every item in the order Meta sends it, duplicates included. */
  stream: Sent[];
  kinds: Record<EventKind, number>;
  /** Messages Meta held back until after the events that refer to them. */
  late: number;
}

/** A customer's new message, by kind, in Meta's shapes. */
const INBOUND_CONTENT = {
  text: (mid: string) => ({ mid, text: `Is it available? (${mid.slice(-4)})` }),
  quick_reply: (mid: string) => ({ mid, text: 'Book a visit', quick_reply: { payload: 'BOOK_VISIT' } }),
  story_reply: (mid: string) => ({
    mid,
    text: 'Love this look!',
    reply_to: { story: { url: cdn('story'), id: '18000000000000123' } },
  }),
  ad_referral: (mid: string) => ({
    mid,
    text: 'Is this still available?',
    referral: {
      ref: 'spring_promo',
      ad_id: '120200000000000001',
      source: 'ADS',
      type: 'OPEN_THREAD',
      ads_context_data: { ad_title: 'Spring sale', photo_url: cdn('ad'), post_id: '18000000000000404' },
    },
  }),
  image: (mid: string) => ({ mid, attachments: [{ type: 'image', payload: { url: cdn(mid) } }] }),
  video: (mid: string) => ({ mid, attachments: [{ type: 'video', payload: { url: cdn(mid) } }] }),
  audio: (mid: string) => ({ mid, attachments: [{ type: 'audio', payload: { url: cdn(mid) } }] }),
  ig_post: (mid: string) => ({
    mid,
    attachments: [
      { type: 'ig_post', payload: { url: cdn(mid), title: 'New drop', ig_post_media_id: '1800000001' } },
    ],
  }),
  story_mention: (mid: string) => ({
    mid,
    attachments: [{ type: 'story_mention', payload: { url: cdn(mid) } }],
  }),
  like_heart: (mid: string) => ({ mid, attachments: [{ type: 'like_heart' }] }),
  unsupported: (mid: string) => ({ mid, is_unsupported: true }),
};
const INBOUND_WEIGHTS: Record<keyof typeof INBOUND_CONTENT, number> = {
  text: 50,
  quick_reply: 5,
  story_reply: 6,
  ad_referral: 5,
  image: 10,
  video: 4,
  audio: 4,
  ig_post: 4,
  story_mention: 4,
  like_heart: 4,
  unsupported: 2,
};

/** What the business sends from the Instagram app or another tool, echoed to us. */
const OUTBOUND_CONTENT = {
  text: (mid: string) => ({ mid, text: `Yes! Shipping takes 3 days (${mid.slice(-4)})` }),
  image: (mid: string) => ({ mid, attachments: [{ type: 'image', payload: { url: cdn(mid) } }] }),
  template: (mid: string) => ({
    mid,
    attachments: [
      {
        type: 'template',
        payload: {
          generic: { elements: [{ title: 'Spring sale', subtitle: 'Up to 40% off', buttons: [] }] },
        },
      },
    ],
  }),
};
const OUTBOUND_WEIGHTS: Record<keyof typeof OUTBOUND_CONTENT, number> = { text: 75, image: 15, template: 10 };

const EVENT_WEIGHTS: Record<EventKind, number> = {
  message: 34,
  postback: 4,
  referral: 3,
  echo: 18,
  self: 3,
  edit: 7,
  react: 10,
  unreact: 4,
  unsend: 5,
  seen: 8,
  duplicate: 3,
};

const REACTIONS = [
  ['love', '❤️'],
  ['laugh', '😂'],
  ['wow', '😮'],
  ['like', '👍'],
] as const;

function accountsFor(seed: number): AccountSpec[] {
  return ['A', 'B'].map((name, a) => {
    const tag = `${seed}${a}`;
    return {
      name,
      igId: `17841${tag.padStart(12, '0')}`,
      selfId: `9100${tag.padStart(12, '0')}`,
      customers: Array.from(
        { length: CUSTOMERS_PER_ACCOUNT },
        (_, n) => `5822${tag.padStart(6, '0')}${String(n).padStart(6, '0')}`,
      ),
    };
  });
}

/** What the generator knows so far: the clock, the messages sent, who has written. */
class Conversations {
  readonly messages: SentMessage[] = [];
  readonly stream: Sent[] = [];
  clock = T0;
  private mids = 0;
  /** Customers who have written, per account: the business answers only them. */
  private readonly known = new Map<AccountSpec, Set<string>>();

  constructor(
    readonly seed: number,
    readonly roll: Dice,
    readonly accounts: AccountSpec[],
  ) {}

  newMid(): string {
    return `aWdf${Buffer.from(`model:${this.seed}:${this.mids++}`).toString('base64url')}`;
  }

  /** A customer of a random account, who from now on counts as having written. */
  customerWrites(): { account: AccountSpec; customer: string } {
    const account = this.roll.pick(this.accounts);
    const customer = this.roll.pick(account.customers);
    this.known.set(account, (this.known.get(account) ?? new Set()).add(customer));
    return { account, customer };
  }

  knownCustomer(account: AccountSpec): string | undefined {
    const customers = [...(this.known.get(account) ?? [])];
    return customers.length > 0 ? this.roll.pick(customers) : undefined;
  }

  remember(message: Pick<SentMessage, 'mid' | 'account' | 'customer' | 'direction'> & Partial<SentMessage>) {
    this.messages.push({
      editable: false,
      unsendable: false,
      edits: 0,
      reacted: false,
      unsent: false,
      ...message,
    });
  }

  pickMessage(fits: (m: SentMessage) => boolean): SentMessage | undefined {
    const candidates = this.messages.filter(fits);
    return candidates.length > 0 ? this.roll.pick(candidates) : undefined;
  }

  fromCustomer(account: AccountSpec, customer: string, body: Record<string, unknown>): Sent {
    const item = {
      sender: { id: customer },
      recipient: { id: account.igId },
      timestamp: this.clock,
      ...body,
    };
    return { account, item };
  }

  fromBusiness(account: AccountSpec, recipient: string, message: Record<string, unknown>): Sent {
    const item = {
      sender: { id: account.igId },
      recipient: { id: recipient },
      timestamp: this.clock,
      message: { ...message, is_echo: true },
    };
    return { account, item };
  }

  /** The customer's own event about one of the messages of their thread. */
  about(target: SentMessage, body: Record<string, unknown>): Sent {
    return this.fromCustomer(target.account, target.customer, body);
  }
}

const live = (m: SentMessage) => !m.unsent;

/** One maker per kind of event: the event, or null when nothing it could refer to exists yet. */
const MAKERS: Record<EventKind, (g: Conversations) => Sent | null> = {
  message(g) {
    const { account, customer } = g.customerWrites();
    const content = g.roll.weighted(INBOUND_WEIGHTS);
    const mid = g.newMid();
    g.remember({
      mid,
      account,
      customer,
      direction: 'INBOUND',
      editable: content === 'text',
      unsendable: true,
    });
    return g.fromCustomer(account, customer, { message: INBOUND_CONTENT[content](mid) });
  },
  postback(g) {
    const { account, customer } = g.customerWrites();
    const mid = g.newMid();
    g.remember({ mid, account, customer, direction: 'INBOUND' });
    return g.fromCustomer(account, customer, {
      postback: { mid, title: 'Talk to an agent', payload: 'CARE_HELP' },
    });
  },
  referral(g) {
    // An ig.me link opened a thread, new or existing; the customer has written nothing.
    const { account, customer } = g.customerWrites();
    const referral = { ref: `link_${g.roll.int(1, 9)}`, source: 'SHORTLINK', type: 'OPEN_THREAD' };
    return g.fromCustomer(account, customer, { referral });
  },
  echo(g) {
    const account = g.roll.pick(g.accounts);
    const customer = g.knownCustomer(account);
    if (!customer) return null;
    const mid = g.newMid();
    g.remember({ mid, account, customer, direction: 'OUTBOUND' });
    return g.fromBusiness(account, customer, OUTBOUND_CONTENT[g.roll.weighted(OUTBOUND_WEIGHTS)](mid));
  },
  self(g) {
    // The business messaging itself: an echo marked is_self, to the business's own id.
    const account = g.roll.pick(g.accounts);
    return g.fromBusiness(account, account.selfId, { mid: g.newMid(), text: 'note to self', is_self: true });
  },
  edit(g) {
    // Meta's clients allow five edits.
    const target = g.pickMessage((m) => m.editable && live(m) && m.edits < 5);
    if (!target) return null;
    target.edits += 1;
    return g.about(target, {
      message_edit: { mid: target.mid, text: `Edited ×${target.edits}`, num_edit: target.edits },
    });
  },
  react(g) {
    // Customers react to their own messages and to the business's (the business's reactions
    // produce no webhook).
    const target = g.pickMessage(live);
    if (!target) return null;
    target.reacted = true;
    const [reaction, emoji] = g.roll.pick(REACTIONS);
    return g.about(target, { reaction: { mid: target.mid, action: 'react', reaction, emoji } });
  },
  unreact(g) {
    const target = g.pickMessage((m) => live(m) && m.reacted);
    if (!target) return null;
    target.reacted = false;
    return g.about(target, { reaction: { mid: target.mid, action: 'unreact' } });
  },
  unsend(g) {
    // Half the time one that was edited or reacted to first: the unsend must still win.
    const touched = (m: SentMessage) => m.unsendable && live(m) && (m.edits > 0 || m.reacted);
    const target =
      (g.roll.chance(0.5) ? g.pickMessage(touched) : undefined) ??
      g.pickMessage((m) => m.unsendable && live(m));
    if (!target) return null;
    target.unsent = true;
    return g.about(target, { message: { mid: target.mid, is_deleted: true } });
  },
  seen(g) {
    const target = g.pickMessage((m) => m.direction === 'OUTBOUND');
    return target ? g.about(target, { read: { mid: target.mid } }) : null;
  },
  duplicate(g) {
    // Meta sends an event it already sent again, byte for byte.
    return g.stream.length > 0 ? g.roll.pick(g.stream) : null;
  },
};

function generate(seed: number): Generated {
  const g = new Conversations(seed, dice(seed), accountsFor(seed));
  const kinds = Object.fromEntries(Object.keys(EVENT_WEIGHTS).map((k) => [k, 0])) as Generated['kinds'];
  while (g.stream.length < EVENTS_PER_SEED) {
    g.clock += g.roll.int(1, 60_000);
    let kind = g.roll.weighted(EVENT_WEIGHTS);
    let sent = MAKERS[kind](g);
    if (!sent) {
      // Nothing to refer to yet: a customer writes instead, which is always possible.
      kind = 'message';
      sent = MAKERS.message(g) as Sent;
    }
    kinds[kind] += 1;
    g.stream.push(sent);
  }
  return { accounts: g.accounts, stream: g.stream, kinds, late: holdBackSomeMessages(g.roll, g.stream) };
}

/** The mid an event refers to (reaction, edit, unsend or seen), if any. */
function referredMid(item: Item): string | undefined {
  const message = item.message as { mid?: string; is_deleted?: boolean } | undefined;
  if (message?.is_deleted) return message.mid;
  for (const field of ['reaction', 'message_edit', 'read'] as const) {
    const mid = (item[field] as { mid?: string } | undefined)?.mid;
    if (mid) return mid;
  }
  return undefined;
}

/** The mid of the message or postback an item carries (not an unsend). */
function carriedMid(item: Item): string | undefined {
  const message = item.message as { mid?: string; is_deleted?: boolean } | undefined;
  if (message && !message.is_deleted) return message.mid;
  return (item.postback as { mid?: string } | undefined)?.mid;
}

/**
 * Moves some messages that others refer to to the end of the stream, as when Meta delivers a
 * message late: their reactions, edits, unsends and seen marks come first. Returns how many.
 */
function holdBackSomeMessages(roll: Dice, stream: Sent[]): number {
  const referred = new Set(stream.map((s) => referredMid(s.item)).filter(Boolean));
  const copies = new Map<Item, number>();
  for (const { item } of stream) copies.set(item, (copies.get(item) ?? 0) + 1);
  const late = stream.filter((s) => {
    const mid = carriedMid(s.item);
    return mid !== undefined && referred.has(mid) && copies.get(s.item) === 1 && roll.chance(0.15);
  });
  for (const entry of late) stream.splice(stream.indexOf(entry), 1);
  stream.push(...late);
  return late.length;
}

// ---------------------------------------------------------------------------------------------
// The reference model: what each account must end with, read off the events alone.
// ---------------------------------------------------------------------------------------------

interface Counts {
  /** Conversations with customers (the business's notes to itself are none). */
  conversations: number;
  leads: number;
  /** Messages and postbacks from customers. */
  inbound: number;
  /** ig.me link or ad openings that carried no message. */
  referrals: number;
  outbound: number;
  unsent: number;
  edited: number;
  /** Messages with a reaction at the end (the last of each customer's react/unreact wins). */
  reacted: number;
  /** The business's messages the customer has seen. */
  seen: number;
}

interface ModelMessage {
  contact: string;
  direction: 'INBOUND' | 'OUTBOUND';
  at: number;
}

/** What the events say happened to an account, in Meta's time order. */
interface History {
  messages: Map<string, ModelMessage>;
  contacts: Set<string>;
  referrals: number;
  unsent: Set<string>;
  edited: Set<string>;
  /** Whether each message's latest reaction event is a react (true) or an unreact. */
  reacted: Map<string, boolean>;
  reads: { contact: string; mid: string }[];
}

/** The account's events, each once (an exact duplicate is the same event), by Meta's timestamp. */
function eventsOf(stream: Sent[], account: AccountSpec): Item[] {
  const isEcho = (item: Item) => (item.message as { is_echo?: boolean } | undefined)?.is_echo === true;
  return [...new Map(stream.map(({ item }) => [JSON.stringify(item), item])).values()]
    .filter((item) => (isEcho(item) ? item.sender.id : item.recipient.id) === account.igId)
    .sort((a, b) => a.timestamp - b.timestamp);
}

function replay(items: Item[]): History {
  const history: History = {
    messages: new Map(),
    contacts: new Set(),
    referrals: 0,
    unsent: new Set(),
    edited: new Set(),
    reacted: new Map(),
    reads: [],
  };
  const store = (mid: string, message: ModelMessage) => {
    history.messages.set(mid, message);
    history.contacts.add(message.contact);
  };
  for (const item of items) {
    const message = item.message as
      | { mid: string; is_echo?: boolean; is_self?: boolean; is_deleted?: boolean }
      | undefined;
    // The business writing to itself is not a customer conversation: it leaves nothing behind.
    if (message?.is_self) continue;
    const echo = message?.is_echo === true;
    const contact = echo ? item.recipient.id : item.sender.id;
    const at = item.timestamp;
    const mid = (field: string) => (item[field] as { mid: string }).mid;
    if (message?.is_deleted) history.unsent.add(message.mid);
    else if (message) store(message.mid, { contact, direction: echo ? 'OUTBOUND' : 'INBOUND', at });
    else if (item.postback) store(mid('postback'), { contact, direction: 'INBOUND', at });
    else if (item.referral) {
      history.referrals += 1;
      history.contacts.add(contact);
    } else if (item.message_edit) history.edited.add(mid('message_edit'));
    else if (item.reaction)
      history.reacted.set(mid('reaction'), (item.reaction as { action: string }).action === 'react');
    else if (item.read) history.reads.push({ contact, mid: mid('read') });
  }
  return history;
}

/** Meta names the last message seen: everything the business sent that thread up to it is seen. */
function seenMessages({ messages, reads }: History): Set<string> {
  const seen = new Set<string>();
  for (const read of reads) {
    const upTo = messages.get(read.mid)?.at ?? Number.NEGATIVE_INFINITY;
    for (const [mid, m] of messages)
      if (m.direction === 'OUTBOUND' && m.contact === read.contact && m.at <= upTo) seen.add(mid);
  }
  return seen;
}

function expectedCounts(stream: Sent[], account: AccountSpec): Counts {
  const history = replay(eventsOf(stream, account));
  const { messages } = history;
  const count = (direction: ModelMessage['direction']) =>
    [...messages.values()].filter((m) => m.direction === direction).length;
  const held = (mids: Iterable<string>) => [...mids].filter((mid) => messages.has(mid)).length;
  return {
    conversations: history.contacts.size,
    // One lead per customer conversation.
    leads: history.contacts.size,
    inbound: count('INBOUND'),
    referrals: history.referrals,
    outbound: count('OUTBOUND'),
    unsent: held(history.unsent),
    edited: held(history.edited),
    // A reaction stays on an unsent message's row: the unsend takes back content, not reactions.
    reacted: held([...history.reacted].filter(([, on]) => on).map(([mid]) => mid)),
    seen: seenMessages(history).size,
  };
}

// ---------------------------------------------------------------------------------------------
// Delivering: random sizes, entries per account (sometimes two for one account), shuffled.
// ---------------------------------------------------------------------------------------------

type Delivery = { id: string; messaging: Item[] }[];

function splitIntoDeliveries(roll: Dice, stream: Sent[]): Delivery[] {
  const deliveries: Delivery[] = [];
  for (let start = 0; start < stream.length; ) {
    const size = roll.int(1, 50);
    const slice = stream.slice(start, start + size);
    start += size;
    const entries: Delivery = [];
    for (const igId of new Set(slice.map((s) => s.account.igId))) {
      const items = slice.filter((s) => s.account.igId === igId).map((s) => s.item);
      const cut = items.length > 1 && roll.chance(0.25) ? roll.int(1, items.length - 1) : items.length;
      entries.push({ id: igId, messaging: items.slice(0, cut) });
      if (cut < items.length) entries.push({ id: igId, messaging: items.slice(cut) });
    }
    deliveries.push(entries);
  }
  return roll.shuffle(deliveries);
}

async function deliverShuffled(stack: IngestStack, roll: Dice, stream: Sent[]): Promise<number> {
  const deliveries = splitIntoDeliveries(roll, stream);
  for (const entries of deliveries) await stack.intake.deliver(entries);
  await stack.intake.ingested(60_000);
  return deliveries.length;
}

// ---------------------------------------------------------------------------------------------
// Reading the same counts back from the database.
// ---------------------------------------------------------------------------------------------

async function storedCounts(stack: IngestStack, connectionId: string): Promise<Counts> {
  const { rows } = await stack.database.query<Counts>(
    `select
       (select count(*)::int from conversations where channel_connection_id = $1 and not is_self)
         as conversations,
       (select count(*)::int from leads where channel_connection_id = $1) as leads,
       count(*) filter (where direction = 'INBOUND' and kind <> 'referral')::int as inbound,
       count(*) filter (where kind = 'referral')::int as referrals,
       count(*) filter (where direction = 'OUTBOUND')::int as outbound,
       count(*) filter (where unsent_at is not null)::int as unsent,
       count(*) filter (where edit_count > 0)::int as edited,
       count(*) filter (where jsonb_array_length(reactions) > 0)::int as reacted,
       count(*) filter (where direction = 'OUTBOUND' and seen_at is not null)::int as seen
     from conversation_messages m
     -- The business's notes to itself are kept, in a conversation marked as its own: not counted.
     where channel_connection_id = $1
       and not (select is_self from conversations c where c.id = m.conversation_id)`,
    [connectionId],
  );
  return rows[0] as Counts;
}

/** What must never be: a failed delivery, an event left unapplied, a conversation with no message. */
async function troubles(stack: IngestStack, account: AccountSpec, connectionId: string) {
  const one = async (text: string, values: unknown[]) =>
    (await stack.database.query<{ n: number }>(text, values)).rows[0]?.n;
  return {
    failedDeliveries: await one(
      "select count(*)::int as n from webhook_events where status = 'FAILED' and $1 = any(account_ids)",
      [account.igId],
    ),
    // Waiting for a message that never came, or set aside as unusable (QUARANTINED). IGNORED is
    // what intake may make of an event it deliberately leaves out (a business's note to itself).
    unappliedEvents: await one(
      `select count(*)::int as n from instagram_events
        where channel_connection_id = $1 and status not in ('APPLIED', 'IGNORED')`,
      [connectionId],
    ),
    emptyConversations: await one(
      `select count(*)::int as n from conversations c where channel_connection_id = $1
         and not exists (select 1 from conversation_messages m where m.conversation_id = c.id)`,
      [connectionId],
    ),
    // The business's notes to itself may be kept, but only in a conversation marked as its own.
    selfConversations: await one(
      `select count(*)::int as n from conversations
        where channel_connection_id = $1 and contact_identifier = $2 and not is_self`,
      [connectionId, account.selfId],
    ),
  };
}

const NO_TROUBLE = { failedDeliveries: 0, unappliedEvents: 0, emptyConversations: 0, selfConversations: 0 };

// ---------------------------------------------------------------------------------------------

let stack: IngestStack;

beforeAll(async () => {
  stack = await startIngestStack();
});

afterAll(async () => {
  await stack?.stop();
});

/** Per account: the counts the database holds, and what must never be there. */
async function observe(stack: IngestStack, connections: Map<AccountSpec, string>) {
  const counts: Record<string, Counts> = {};
  const trouble: Record<string, Awaited<ReturnType<typeof troubles>>> = {};
  for (const [account, id] of connections) {
    counts[account.name] = await storedCounts(stack, id);
    trouble[account.name] = await troubles(stack, account, id);
  }
  return { counts, trouble };
}

for (const seed of SEEDS) {
  it(`seed ${seed}: 1,000 events over two accounts end as the model says, and stay so when delivered again`, async ({
    annotate,
  }) => {
    const started = Date.now();
    const generated = generate(seed);
    const connections = new Map<AccountSpec, string>();
    for (const account of generated.accounts) {
      connections.set(account, (await connectInstagramAccount(stack.database, account.igId)).connectionId);
    }
    const expected = Object.fromEntries(
      generated.accounts.map((a) => [a.name, expectedCounts(generated.stream, a)]),
    );
    const noTrouble = Object.fromEntries(generated.accounts.map((a) => [a.name, NO_TROUBLE]));

    const roll = dice(seed * 7919);
    const deliveries = await deliverShuffled(stack, roll, generated.stream);
    const afterBatch = await observe(stack, connections);
    const redeliveries = await deliverShuffled(stack, roll, generated.stream);
    const afterRedelivery = await observe(stack, connections);

    // The run's figures, for the report, before any assertion can end the test.
    await annotate(
      JSON.stringify({
        seed,
        events: generated.stream.length,
        kinds: generated.kinds,
        late: generated.late,
        deliveries,
        redeliveries,
        expected,
        stored: afterBatch.counts,
        ms: Date.now() - started,
      }),
    );
    expect.soft(afterBatch.counts, 'counts after the batch').toEqual(expected);
    expect.soft(afterBatch.trouble, 'after the batch').toEqual(noTrouble);
    expect.soft(afterRedelivery.counts, 'counts after the redelivery').toEqual(expected);
    expect.soft(afterRedelivery.trouble, 'after the redelivery').toEqual(noTrouble);
  }, 120_000);
}
