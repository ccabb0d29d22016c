// What customers (and the business, from the Instagram app) can do in a DM thread, turned into the
// webhook events Meta sends (§4.6 a–q) and applied to the thread the customer sees (comments, §4.6
// (r), are comments.ts). Every message event returns
// its mid and timestamp; pass `timestamp` to create late or out-of-order events and `mid` to reuse
// a known id.
import { newAdId, newMediaId, newMid, newProductId, newStoryId } from './ids.ts';
import type { QuickReply, Template, TemplateButton, TemplateElement } from './send-content.ts';
import {
  addMessage,
  findMessage,
  lastBusinessMessage,
  type NewThreadMessage,
  type ThreadAttachment,
  type ThreadCommentReply,
} from './threads.ts';
import type { EntryKind, WebhookDelivery } from './webhook-delivery.ts';
import { type Account, type Customer, type LoginPath, SimulatorInputError, type World } from './world.ts';

export interface EventTarget {
  /** IG_ID or username of the business account. */
  account: string;
  /** IGSID or username of the customer. */
  customer: string;
  /** Epoch milliseconds; defaults to now. */
  timestamp?: number;
  /** Deliver under `entry[].standby[]` (another app controls the thread) instead of `messaging[]`. */
  standby?: boolean;
  /**
   * False: change the world (thread, consent) but send no webhook, as for history from before the
   * app was connected; the Conversations API still shows it. Default true.
   */
  deliver?: boolean;
}

export interface MessageTarget extends EventTarget {
  /** Use this message id instead of a fresh one. */
  mid?: string;
}

export interface SentMessage {
  mid: string;
  timestamp: number;
}

export type AttachmentInput =
  | { type: 'video' | 'audio' | 'file' | 'share' | 'story_mention'; url?: string }
  /** With `stickerId`, a sticker: Meta sends it as an image carrying the sticker's id. */
  | { type: 'image'; url?: string; stickerId?: string }
  | { type: 'ig_post'; url?: string; title?: string; mediaId?: string }
  | { type: 'ig_reel'; url?: string; title?: string; reelVideoId?: string }
  /** A story the customer shares (someone's story, not a reply to the business's). */
  | { type: 'ig_story'; url?: string; storyMediaId?: string }
  | { type: 'ephemeral' }
  /** Instagram's heart sticker. */
  | { type: 'like_heart' };

/** A button of a template, in the Send API's shape. */
export type TemplateButtonInput = TemplateButton;

/** A card of a generic template, in the Send API's shape (Meta echoes it back as sent). */
export type TemplateElementInput = TemplateElement;

/**
 * What the business can send beyond a customer's attachments: a generic template's cards, or a
 * button template's text and buttons.
 */
export type EchoAttachmentInput =
  | AttachmentInput
  | { type: 'template'; elements: TemplateElementInput[] }
  | { type: 'template'; text: string; buttons: TemplateButtonInput[] };

export type ReactionName = 'love' | 'like' | 'laugh' | 'wow' | 'sad' | 'angry' | 'other';

export interface ReferralInput {
  ref: string;
  /** Meta sends SHORTLINK, ADS or an ig.me link; opaque to receivers. */
  source?: string;
  type?: string;
}

const REACTION_EMOJI: Record<Exclude<ReactionName, 'other'>, string> = {
  love: '\u2764\ufe0f',
  like: '\ud83d\udc4d',
  laugh: '\ud83d\ude02',
  wow: '\ud83d\ude2e',
  sad: '\ud83d\ude22',
  angry: '\ud83d\ude21',
};

// Dummy ids and values of the App Dashboard's "Test" button (§4.4).
const DASHBOARD_TEST_VALUE = {
  sender: { id: '12334' },
  recipient: { id: '23245' },
  timestamp: '1527459824',
  message: { mid: 'random_mid', text: 'random_text' },
};

function attachmentPayload(
  input: EchoAttachmentInput,
  cdnUrl: () => string,
): {
  wire: Record<string, unknown>;
  thread: ThreadAttachment;
} {
  // Neither carries a payload: a view-once photo is not shared with apps, and the heart is the
  // `{type: "like_heart"}` the Send API takes (Meta documents no payload for it).
  if (input.type === 'ephemeral' || input.type === 'like_heart') {
    return { wire: { type: input.type }, thread: { type: input.type, url: null, title: null } };
  }
  if (input.type === 'template' && 'elements' in input) {
    // Echoes of a generic template carry it under `payload.generic` (§4.6 (b)), cards as sent.
    return {
      wire: { type: 'template', payload: { generic: { elements: input.elements } } },
      thread: { type: 'template', url: null, title: input.elements[0]?.title ?? null },
    };
  }
  if (input.type === 'template') {
    // Meta documents no echo of a button template; the payload goes back as sent, which a parser
    // reading `payload.generic` sees as a template without cards.
    return {
      wire: {
        type: 'template',
        payload: { template_type: 'button', text: input.text, buttons: input.buttons },
      },
      thread: { type: 'template', url: null, title: input.text },
    };
  }
  const url = input.url ?? cdnUrl();
  if (input.type === 'image' && input.stickerId !== undefined) {
    // Meta's sticker ids are JSON numbers (they stay below 2^53).
    const stickerId = Number(input.stickerId);
    if (!/^\d+$/.test(input.stickerId) || !Number.isSafeInteger(stickerId)) {
      throw new SimulatorInputError(`sticker id ${input.stickerId} is not one Meta could send`);
    }
    return {
      wire: { type: 'image', payload: { url, sticker_id: stickerId } },
      thread: { type: 'sticker', url, title: null },
    };
  }
  if (input.type === 'ig_story') {
    return {
      wire: {
        type: 'ig_story',
        payload: { story_media_url: url, story_media_id: input.storyMediaId ?? newStoryId() },
      },
      thread: { type: 'ig_story', url, title: null },
    };
  }
  if (input.type === 'ig_post') {
    const title = input.title ?? 'New arrivals are in \u2728';
    return {
      wire: { type: 'ig_post', payload: { url, title, ig_post_media_id: input.mediaId ?? newMediaId() } },
      thread: { type: 'ig_post', url, title },
    };
  }
  if (input.type === 'ig_reel') {
    const title = input.title ?? 'Behind the scenes';
    return {
      wire: { type: 'ig_reel', payload: { url, title, reel_video_id: input.reelVideoId ?? newMediaId() } },
      thread: { type: 'ig_reel', url, title },
    };
  }
  return { wire: { type: input.type, payload: { url } }, thread: { type: input.type, url, title: null } };
}

/** The template among a business message's attachments, as the thread keeps it for the chat page. */
function templateOf(attachments: EchoAttachmentInput[]): Template | null {
  for (const attachment of attachments) {
    if (attachment.type !== 'template') continue;
    return 'elements' in attachment
      ? { templateType: 'generic', elements: attachment.elements }
      : { templateType: 'button', text: attachment.text, buttons: attachment.buttons };
  }
  return null;
}

function referral(input: ReferralInput, defaultSource: string) {
  return { ref: input.ref, source: input.source ?? defaultSource, type: input.type ?? 'OPEN_THREAD' };
}

export type Scenarios = ReturnType<typeof createScenarios>;

/** `delivery`: where events go (the delivery engine, behind the drop rules). */
export function createScenarios(world: World, delivery: Pick<WebhookDelivery, 'enqueue' | 'sendEnvelope'>) {
  function resolve(target: EventTarget) {
    return {
      account: world.account(target.account),
      customer: world.customer(target.customer),
      timestamp: target.timestamp ?? Date.now(),
    };
  }

  /**
   * Queues the event unless the target asks for none or the account is unsubscribed, which gets
   * nothing, as on Meta. `kind` defaults to the target's messaging or standby.
   */
  function emit(
    account: Account,
    target: EventTarget,
    item: unknown,
    kind: EntryKind = target.standby ? 'standby' : 'messaging',
  ) {
    if (target.deliver === false || account.subscribedFields.length === 0) return;
    delivery.enqueue({ loginPath: account.loginPath, entryId: account.igId, kind, item });
  }

  function fromCustomer(
    customer: Customer,
    account: Account,
    timestamp: number,
    event: Record<string, unknown>,
  ) {
    return { sender: { id: customer.igsid }, recipient: { id: account.igId }, timestamp, ...event };
  }

  /** A message the customer sends: consent for profile lookups, a thread entry, a `message` event. */
  function customerMessage(
    target: MessageTarget,
    message: Record<string, unknown>,
    thread: Omit<NewThreadMessage, 'mid' | 'from' | 'timestamp'>,
  ): SentMessage {
    const { account, customer, timestamp } = resolve(target);
    const mid = target.mid ?? newMid(account.igId);
    world.grantConsent(account, customer);
    addMessage(world.thread(account, customer), { mid, from: 'customer', timestamp, ...thread });
    const item = fromCustomer(customer, account, timestamp, { message: { mid, ...message } });
    emit(account, target, item);
    return { mid, timestamp };
  }

  /** A non-message event from the customer about an earlier message (reaction, read, edit). */
  function customerAction(target: EventTarget, event: Record<string, unknown>) {
    const { account, customer, timestamp } = resolve(target);
    emit(account, target, fromCustomer(customer, account, timestamp, event));
    return { account, customer, timestamp, thread: world.thread(account, customer) };
  }

  return {
    /** (a) Text. */
    sendText(input: MessageTarget & { text: string }): SentMessage {
      return customerMessage(input, { text: input.text }, { text: input.text });
    },

    /** (b) One or more attachments, optionally with text. */
    sendAttachments(input: MessageTarget & { attachments: AttachmentInput[]; text?: string }): SentMessage {
      if (input.attachments.length === 0) throw new SimulatorInputError('at least one attachment is needed');
      const built = input.attachments.map((attachment) => attachmentPayload(attachment, world.cdnUrl));
      return customerMessage(
        input,
        { ...(input.text === undefined ? {} : { text: input.text }), attachments: built.map((a) => a.wire) },
        { text: input.text ?? null, attachments: built.map((a) => a.thread) },
      );
    },

    /** (f) Content the API cannot represent. */
    sendUnsupported(input: MessageTarget): SentMessage {
      return customerMessage(input, { is_unsupported: true }, { unsupported: true });
    },

    /** (h) Reply to one of the business's stories. */
    replyToStory(
      input: MessageTarget & { text: string; story?: { url?: string; id?: string } },
    ): SentMessage {
      const story = { url: input.story?.url ?? world.cdnUrl(), id: input.story?.id ?? newStoryId() };
      return customerMessage(
        input,
        { text: input.text, reply_to: { story } },
        { text: input.text, replyTo: { story } },
      );
    },

    /** (g) Inline reply to a specific message. */
    replyToMessage(input: MessageTarget & { text: string; replyToMid: string }): SentMessage {
      const replyTo = { mid: input.replyToMid };
      return customerMessage(input, { text: input.text, reply_to: replyTo }, { text: input.text, replyTo });
    },

    /** (i) Tap on a quick reply the business offered. */
    sendQuickReply(input: MessageTarget & { text: string; payload: string }): SentMessage {
      return customerMessage(
        input,
        { text: input.text, quick_reply: { payload: input.payload } },
        { text: input.text, quickReplyPayload: input.payload },
      );
    },

    /**
     * (j) First message from a click-to-Instagram-Direct ad; `ref` is omitted when the ad has none.
     * `adsContextData` goes out verbatim (ad_title, photo_url, video_url, post_id, product_id).
     */
    sendAdReferral(
      input: MessageTarget & {
        text: string;
        adId?: string;
        ref?: string;
        adsContextData?: Record<string, string>;
      },
    ): SentMessage {
      const adReferral = {
        ...(input.ref === undefined ? {} : { ref: input.ref }),
        ad_id: input.adId ?? newAdId(),
        source: 'ADS',
        type: 'OPEN_THREAD',
        ads_context_data: input.adsContextData ?? { ad_title: 'Spring sale', photo_url: world.cdnUrl() },
      };
      return customerMessage(
        input,
        { text: input.text, referral: adReferral },
        { text: input.text, referral: adReferral },
      );
    },

    /** (j) A message about a product of the account's Instagram Shop: its referral names only the product. */
    sendProductReferral(input: MessageTarget & { text: string; productId?: string }): SentMessage {
      const productReferral = { product: { id: input.productId ?? newProductId() } };
      return customerMessage(
        input,
        { text: input.text, referral: productReferral },
        { text: input.text, referral: productReferral },
      );
    },

    /** (o) ig.me link or ad opened in an existing thread: a standalone `referral` event, no message. */
    sendReferral(input: EventTarget & ReferralInput): { timestamp: number } {
      const { timestamp } = customerAction(input, { referral: referral(input, 'SHORTLINK') });
      return { timestamp };
    },

    /**
     * (n) Postback from an icebreaker, template button or persistent menu. With `referral` it is the
     * icebreaker tap that opens a thread from an ig.me link. Standby postbacks carry no payload.
     */
    sendPostback(
      input: MessageTarget & { title: string; payload: string; referral?: ReferralInput },
    ): SentMessage {
      const { account, customer, timestamp } = resolve(input);
      const mid = input.mid ?? newMid(account.igId);
      world.grantConsent(account, customer);
      addMessage(world.thread(account, customer), {
        mid,
        from: 'customer',
        timestamp,
        text: input.title,
        postbackPayload: input.payload,
      });
      const postback = {
        mid,
        title: input.title,
        ...(input.standby ? {} : { payload: input.payload }),
        ...(input.referral ? { referral: referral(input.referral, 'SHORTLINK') } : {}),
      };
      emit(account, input, fromCustomer(customer, account, timestamp, { postback }));
      return { mid, timestamp };
    },

    /** (l) Reaction; `emoji` alone is reported as reaction "other" unless it is a standard one. */
    react(input: EventTarget & { mid: string; reaction?: ReactionName; emoji?: string }): SentMessage {
      const known = Object.entries(REACTION_EMOJI).find(([, emoji]) => emoji === input.emoji)?.[0];
      const reaction = input.reaction ?? (input.emoji === undefined ? 'love' : (known ?? 'other'));
      const emoji = input.emoji ?? REACTION_EMOJI[reaction as keyof typeof REACTION_EMOJI] ?? '\ud83d\ude4c';
      const { timestamp, thread } = customerAction(input, {
        reaction: { mid: input.mid, action: 'react', reaction, emoji },
      });
      const message = findMessage(thread, input.mid);
      if (message) message.customerReaction = { reaction, emoji };
      return { mid: input.mid, timestamp };
    },

    /** (l) Reaction removed. */
    unreact(input: EventTarget & { mid: string }): SentMessage {
      const { timestamp, thread } = customerAction(input, {
        reaction: { mid: input.mid, action: 'unreact' },
      });
      const message = findMessage(thread, input.mid);
      if (message) message.customerReaction = null;
      return { mid: input.mid, timestamp };
    },

    /** (m) Seen; without `mid`, the last business message of the thread. */
    markSeen(input: EventTarget & { mid?: string }): SentMessage {
      const { account, customer } = resolve(input);
      const mid = input.mid ?? lastBusinessMessage(world.thread(account, customer))?.mid;
      if (!mid) throw new SimulatorInputError('the business has sent nothing to mark seen; pass a mid');
      const { timestamp, thread } = customerAction(input, { read: { mid } });
      thread.seenMid = mid;
      return { mid, timestamp };
    },

    /** (k) Edit of an earlier customer message; `num_edit` counts this thread's edits of it. */
    editMessage(input: EventTarget & { mid: string; text: string }): SentMessage & { numEdit: number } {
      const { account, customer } = resolve(input);
      const message = findMessage(world.thread(account, customer), input.mid);
      const numEdit = (message?.edits ?? 0) + 1;
      const { timestamp } = customerAction(input, {
        message_edit: { mid: input.mid, text: input.text, num_edit: numEdit },
      });
      if (message) Object.assign(message, { text: input.text, edits: numEdit });
      return { mid: input.mid, timestamp, numEdit };
    },

    /** (e) Unsend: a `message` with only `mid` and `is_deleted`. */
    unsendMessage(input: EventTarget & { mid: string }): SentMessage {
      const { timestamp, thread } = customerAction(input, { message: { mid: input.mid, is_deleted: true } });
      const message = findMessage(thread, input.mid);
      if (message) message.deleted = true;
      return { mid: input.mid, timestamp };
    },

    /**
     * (c) Message the business sent (typed in the Instagram app, or through the Send API): an echo.
     * Quick replies and the comment a private reply answers go into the thread only: Meta's echo
     * carries the text and attachments.
     */
    businessEcho(
      input: MessageTarget & {
        text?: string;
        attachments?: EchoAttachmentInput[];
        quickReplies?: QuickReply[];
        commentReply?: ThreadCommentReply;
      },
    ): SentMessage {
      const { account, customer, timestamp } = resolve(input);
      if (input.text === undefined && !input.attachments?.length) {
        throw new SimulatorInputError('an echo needs text or attachments');
      }
      const mid = input.mid ?? newMid(account.igId);
      const built = (input.attachments ?? []).map((attachment) =>
        attachmentPayload(attachment, world.cdnUrl),
      );
      addMessage(world.thread(account, customer), {
        mid,
        from: 'business',
        timestamp,
        text: input.text ?? null,
        attachments: built.map((a) => a.thread),
        quickReplies: input.quickReplies ?? null,
        template: templateOf(input.attachments ?? []),
        commentReply: input.commentReply ?? null,
      });
      const message = {
        mid,
        ...(input.text === undefined ? {} : { text: input.text }),
        ...(built.length > 0 ? { attachments: built.map((a) => a.wire) } : {}),
        is_echo: true,
      };
      const item = { sender: { id: account.igId }, recipient: { id: customer.igsid }, timestamp, message };
      emit(account, input, item);
      return { mid, timestamp };
    },

    /**
     * The App Dashboard's "Test" button: dummy ids, entry id "0", sent whatever the subscriptions.
     * Instagram Login sends it changes-style; Facebook Login as a messaging item.
     */
    sendDashboardTest(input: { loginPath?: LoginPath } = {}): void {
      const loginPath = input.loginPath ?? 'instagram';
      const entry =
        loginPath === 'instagram'
          ? {
              id: '0',
              time: Math.floor(Date.now() / 1000),
              changes: [{ field: 'messages', value: DASHBOARD_TEST_VALUE }],
            }
          : { id: '0', time: Date.now(), messaging: [DASHBOARD_TEST_VALUE] };
      delivery.sendEnvelope(loginPath, { object: 'instagram', entry: [entry] }, 1);
    },
  };
}
