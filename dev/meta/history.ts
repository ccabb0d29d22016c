// Past conversations of an account, put into the world without a webhook: what its inbox held
// before the app connected, for the app to backfill through the Conversations API. Each message is
// made by the scenario that makes a live one (with `deliver: false`), so a seeded message of a kind
// leaves exactly what a live message of that kind leaves in the thread. What the caller leaves
// open (who wrote, the kind, the text) is drawn from a source seeded with `seed`: the same input
// gives the same history on every run. Ids (mids, customers' IGSIDs) still come from ids.ts and
// differ between runs, like Meta's.
import { type Random, seededRandom } from './random.ts';
import type { AttachmentInput, EchoAttachmentInput, Scenarios, SentMessage } from './scenarios.ts';
import { SimulatorInputError, type World } from './world.ts';

export type HistorySide = 'customer' | 'business';

interface KindContext {
  /** Account, customer, time and whether webhooks go out. */
  target: { account: string; customer: string; timestamp: number; deliver: boolean };
  text: string | undefined;
  random: Random;
  /** The conversation's message before this one (what a `reply` quotes). */
  previousMid: string | undefined;
}

/** Meta's thumbs-up sticker id, the one the Instagram app sends most. */
const STICKER_ID = '369239263222822';

const CUSTOMER_LINES = [
  'Hi! Is this still available?',
  'Do you ship to Lisbon?',
  'What sizes do you have? 👗',
  'Thanks, that helps a lot',
  'Can I pick it up at the store?',
  'Olá! Quanto custa?',
  'Is there a discount for two?',
  'Perfect, I’ll order today',
];
const BUSINESS_LINES = [
  'Hi! Yes, it is in stock.',
  'We ship everywhere in Europe in 3–5 days.',
  'Sizes S to XL, and the M fits most people.',
  'You’re welcome! 😊',
  'Of course, it will be ready tomorrow.',
  'Two for 10% off this week.',
];

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random.next() * items.length)] as T;

function textOf(context: KindContext, side: HistorySide): string {
  return context.text ?? pick(context.random, side === 'customer' ? CUSTOMER_LINES : BUSINESS_LINES);
}

/** A customer message carrying one attachment (and the text, when one was given). */
const customerAttachment =
  (attachment: AttachmentInput) =>
  (scenarios: Scenarios, context: KindContext): SentMessage =>
    scenarios.sendAttachments({
      ...context.target,
      attachments: [attachment],
      ...(context.text === undefined ? {} : { text: context.text }),
    });

/** A business message (an echo) carrying one attachment. */
const businessAttachment =
  (attachment: EchoAttachmentInput) =>
  (scenarios: Scenarios, context: KindContext): SentMessage =>
    scenarios.businessEcho({
      ...context.target,
      attachments: [attachment],
      ...(context.text === undefined ? {} : { text: context.text }),
    });

type Make = (scenarios: Scenarios, context: KindContext) => SentMessage;

/** What each side can send, and the scenario that makes it. */
const KINDS = {
  customer: {
    text: (scenarios, context) =>
      scenarios.sendText({ ...context.target, text: textOf(context, 'customer') }),
    image: customerAttachment({ type: 'image' }),
    sticker: customerAttachment({ type: 'image', stickerId: STICKER_ID }),
    video: customerAttachment({ type: 'video' }),
    audio: customerAttachment({ type: 'audio' }),
    file: customerAttachment({ type: 'file' }),
    share: customerAttachment({ type: 'share' }),
    ig_post: customerAttachment({ type: 'ig_post' }),
    ig_reel: customerAttachment({ type: 'ig_reel' }),
    ig_story: customerAttachment({ type: 'ig_story' }),
    story_mention: customerAttachment({ type: 'story_mention' }),
    ephemeral: customerAttachment({ type: 'ephemeral' }),
    like_heart: customerAttachment({ type: 'like_heart' }),
    story_reply: (scenarios, context) =>
      scenarios.replyToStory({ ...context.target, text: textOf(context, 'customer') }),
    reply: (scenarios, context) => {
      if (context.previousMid === undefined)
        throw new SimulatorInputError('a reply needs an earlier message in its conversation');
      return scenarios.replyToMessage({
        ...context.target,
        text: textOf(context, 'customer'),
        replyToMid: context.previousMid,
      });
    },
    quick_reply: (scenarios, context) =>
      scenarios.sendQuickReply({
        ...context.target,
        text: textOf(context, 'customer'),
        payload: 'QUICK_REPLY',
      }),
    postback: (scenarios, context) =>
      scenarios.sendPostback({
        ...context.target,
        title: textOf(context, 'customer'),
        payload: 'GET_STARTED',
      }),
    ad_referral: (scenarios, context) =>
      scenarios.sendAdReferral({ ...context.target, text: textOf(context, 'customer') }),
    product_referral: (scenarios, context) =>
      scenarios.sendProductReferral({ ...context.target, text: textOf(context, 'customer') }),
    unsupported: (scenarios, context) => {
      if (context.text !== undefined) throw new SimulatorInputError('an unsupported message has no text');
      return scenarios.sendUnsupported(context.target);
    },
  },
  // What the Send API (or the Instagram app) lets the business send.
  business: {
    text: (scenarios, context) =>
      scenarios.businessEcho({ ...context.target, text: textOf(context, 'business') }),
    image: businessAttachment({ type: 'image' }),
    video: businessAttachment({ type: 'video' }),
    audio: businessAttachment({ type: 'audio' }),
    file: businessAttachment({ type: 'file' }),
    like_heart: businessAttachment({ type: 'like_heart' }),
    template: (scenarios, context) =>
      scenarios.businessEcho({
        ...context.target,
        attachments: [{ type: 'template', elements: [{ title: textOf(context, 'business') }] }],
      }),
  },
} satisfies Record<HistorySide, Record<string, Make>>;

export type CustomerHistoryKind = keyof typeof KINDS.customer;
export type BusinessHistoryKind = keyof typeof KINDS.business;
export type HistoryKind = CustomerHistoryKind | BusinessHistoryKind;

export const HISTORY_KINDS = [
  ...new Set([...Object.keys(KINDS.customer), ...Object.keys(KINDS.business)]),
] as [HistoryKind, ...HistoryKind[]];

/** When the kind is left open, text this often, one of the side's other kinds otherwise. */
const TEXT_SHARE = 0.6;

export interface HistoryMessage {
  /** Epoch milliseconds: when it was sent. */
  timestamp: number;
  /** Who sent it; drawn from the seed when omitted. */
  from?: HistorySide;
  /** Drawn from the seed when omitted (text most often). */
  kind?: HistoryKind;
  /** The text of kinds that carry one (drawn when omitted), or a caption on an attachment. */
  text?: string;
}

export interface HistoryConversation {
  /** IGSID or username of an existing customer; a new customer otherwise. */
  customer?: string;
  messages: HistoryMessage[];
}

export interface HistoryInput {
  /** IG_ID, username or Page id. */
  account: string;
  /** Seed of what is left open (default 1). */
  seed?: number;
  /**
   * Also send each message's webhook, as if it happened live (default false: history from before
   * the app was connected). The same input with and without shows what each path gives.
   */
  deliver?: boolean;
  /** One per customer: Instagram DMs are one to one, so a customer named twice shares a thread. */
  conversations: HistoryConversation[];
}

export interface SeededMessage {
  mid: string;
  timestamp: number;
  from: HistorySide;
  kind: HistoryKind;
}

export interface SeededConversation {
  conversationId: string;
  /** The customer's IGSID. */
  customer: string;
  /** In the order given. */
  messages: SeededMessage[];
}

/** A drawn kind never needs what is not there: a conversation's first message is no reply. */
function chooseKind(random: Random, side: HistorySide, first: boolean): HistoryKind {
  const kinds = Object.keys(KINDS[side]).filter(
    (kind) => kind !== 'text' && !(first && kind === 'reply'),
  ) as HistoryKind[];
  return random.next() < TEXT_SHARE ? 'text' : pick(random, kinds);
}

export function seedHistory(world: World, scenarios: Scenarios, input: HistoryInput): SeededConversation[] {
  const account = world.account(input.account);
  const random = seededRandom(input.seed ?? 1);
  return input.conversations.map((conversation) => {
    const customer =
      conversation.customer === undefined ? world.addCustomer() : world.customer(conversation.customer);
    const messages: SeededMessage[] = [];
    for (const message of conversation.messages) {
      if (!Number.isSafeInteger(message.timestamp) || message.timestamp <= 0)
        throw new SimulatorInputError(`timestamp ${message.timestamp} is not epoch milliseconds`);
      const from = message.from ?? (random.next() < 0.5 ? 'customer' : 'business');
      const kind = message.kind ?? chooseKind(random, from, messages.length === 0);
      const make = (KINDS[from] as Record<string, Make>)[kind];
      if (!make) throw new SimulatorInputError(`the ${from} cannot send a ${kind} message`);
      const sent = make(scenarios, {
        target: {
          account: account.igId,
          customer: customer.igsid,
          timestamp: message.timestamp,
          deliver: input.deliver ?? false,
        },
        text: message.text,
        random,
        previousMid: messages.at(-1)?.mid,
      });
      messages.push({ mid: sent.mid, timestamp: sent.timestamp, from, kind });
    }
    return {
      conversationId: world.thread(account, customer).id,
      customer: customer.igsid,
      messages,
    };
  });
}
