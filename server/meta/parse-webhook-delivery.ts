// Meta's webhook body → our events. Every entry and every messaging/standby item is read (Meta
// batches up to 1000). Nothing is dropped silently: an item of a kind the inbox does not use
// (handover, opt-in, mentions) becomes an `ignored` event, and one we cannot read becomes
// an `unparsed` event carrying the reason, kept for a replay once the parser is fixed.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { HISTORY_OBJECT } from './conversations-api.ts';
import type {
  Attachment,
  AttachmentKind,
  InstagramEvent,
  Referral,
  ReplyTo,
  TemplateElement,
} from './instagram-events.ts';
import { parseHistoryConversation } from './parse-history-conversation.ts';
import { webUrl } from './web-url.ts';

/** Ids are strings on the wire; a number would already have lost precision, but is accepted. */
const Id = z.union([z.string().min(1), z.number()]).transform(String);
const Party = z.object({ id: Id });
/** Epoch milliseconds, sometimes as a string; `changes` payloads use seconds. */
const Timestamp = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .transform((t) => new Date(t < 1e12 ? t * 1000 : t));

const ReferralSchema = z.looseObject({
  ref: z.string().nullish(),
  source: z.string().nullish(),
  type: z.string().nullish(),
  ad_id: Id.nullish(),
  ads_context_data: z
    .looseObject({
      ad_title: z.string().nullish(),
      photo_url: z.string().nullish(),
      video_url: z.string().nullish(),
      post_id: Id.nullish(),
      product_id: Id.nullish(),
    })
    .nullish(),
  // A shop product referral (reference §4.6 (j)).
  product: z.looseObject({ id: Id }).nullish(),
});

const AttachmentSchema = z.looseObject({
  type: z.string(),
  payload: z.record(z.string(), z.unknown()).nullish(),
});

const MessageSchema = z.looseObject({
  mid: z.string().min(1),
  text: z.string().nullish(),
  is_echo: z.boolean().nullish(),
  is_deleted: z.boolean().nullish(),
  is_unsupported: z.boolean().nullish(),
  is_self: z.boolean().nullish(),
  attachments: z.array(AttachmentSchema).nullish(),
  reply_to: z
    .looseObject({
      mid: z.string().nullish(),
      story: z.looseObject({ url: z.string().nullish(), id: Id.nullish() }).nullish(),
    })
    .nullish(),
  quick_reply: z.looseObject({ payload: z.string() }).nullish(),
  referral: ReferralSchema.nullish(),
});

const MessagingItem = z.looseObject({
  // Self postbacks carry it here rather than on a message (reference §4.6 (n)).
  is_self: z.boolean().nullish(),
  sender: Party,
  recipient: Party,
  timestamp: Timestamp,
  message: MessageSchema.optional(),
  message_edit: z
    .looseObject({
      mid: z.string().min(1),
      text: z.string().nullish(),
      num_edit: z.coerce.number().int().nullish(),
    })
    .optional(),
  reaction: z
    .looseObject({
      mid: z.string().min(1),
      action: z.enum(['react', 'unreact']),
      reaction: z.string().nullish(),
      emoji: z.string().nullish(),
    })
    .optional(),
  read: z.looseObject({ mid: z.string().min(1) }).optional(),
  postback: z
    .looseObject({
      mid: z.string().nullish(),
      title: z.string().nullish(),
      payload: z.string().nullish(),
      referral: ReferralSchema.nullish(),
    })
    .optional(),
  referral: ReferralSchema.optional(),
});
type MessagingItem = z.infer<typeof MessagingItem>;

/** The item keys the inbox reads; an item with none of them is of a kind it does not use. */
const DM_KINDS = ['message', 'message_edit', 'reaction', 'read', 'postback', 'referral'] as const;

const Entry = z.looseObject({
  id: Id,
  // Only a fallback for items without their own time; a value we cannot read is not a reason to
  // lose the entry's messages.
  time: z.unknown().optional(),
  messaging: z.array(z.unknown()).optional(),
  standby: z.array(z.unknown()).optional(),
  changes: z.array(z.unknown()).optional(),
  // The Postman sample puts a single change on the entry itself.
  field: z.string().optional(),
  value: z.unknown().optional(),
});

const Change = z.looseObject({ field: z.string(), value: z.unknown() });

const Delivery = z.looseObject({ object: z.string(), entry: z.array(z.unknown()) });

export interface ParsedDelivery {
  object: string | null;
  /** A webhook, or a conversation fetched from the Conversations API (stored like one). */
  source: 'webhook' | 'history';
  /** Every business account the delivery mentions. */
  accountIds: string[];
  events: InstagramEvent[];
}

export class MalformedDeliveryError extends Error {}

const ATTACHMENT_KINDS: Record<string, AttachmentKind> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  file: 'file',
  share: 'share',
  ig_post: 'ig_post',
  ig_reel: 'ig_reel',
  reel: 'ig_reel',
  story_mention: 'story_mention',
  ig_story: 'ig_story',
  ephemeral: 'ephemeral',
  template: 'template',
  like_heart: 'like_heart',
  sticker: 'sticker',
};

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}

/** The first of several names Meta has used for the same field. */
function firstText(payload: Record<string, unknown>, ...names: string[]): string | null {
  for (const name of names) {
    const value = text(payload[name]);
    if (value !== null) return value;
  }
  return null;
}

const TemplateElementSchema = z.looseObject({
  title: z.string().nullish(),
  subtitle: z.string().nullish(),
  image_url: z.string().nullish(),
  default_action: z.looseObject({ url: z.string().nullish() }).nullish(),
  buttons: z
    .array(
      z.looseObject({
        type: z.string(),
        title: z.string().nullish(),
        url: z.string().nullish(),
        payload: z.string().nullish(),
      }),
    )
    .nullish(),
});

/** A template's cards: `payload.generic.elements` on echoes (or the elements themselves). */
function templateElements(payload: Record<string, unknown>): TemplateElement[] | null {
  const generic = payload.generic ?? payload;
  const list = Array.isArray(generic) ? generic : (generic as { elements?: unknown } | null)?.elements;
  const elements = z.array(TemplateElementSchema).safeParse(list);
  if (!elements.success) return null;
  return elements.data.map((element) => ({
    title: element.title ?? null,
    subtitle: element.subtitle ?? null,
    imageUrl: webUrl(element.image_url),
    url: webUrl(element.default_action?.url),
    buttons: (element.buttons ?? []).map((button) => ({
      type: button.type,
      title: button.title ?? null,
      url: webUrl(button.url),
      payload: button.payload ?? null,
    })),
  }));
}

function toAttachment(raw: z.infer<typeof AttachmentSchema>): Attachment {
  const payload = raw.payload ?? {};
  const kind = ATTACHMENT_KINDS[raw.type] ?? 'unsupported';
  return {
    kind,
    type: raw.type,
    // Shared stories have been sent with `url` and with `story_media_url`.
    url: webUrl(firstText(payload, 'url', 'story_media_url')),
    title: text(payload.title),
    mediaId: firstText(payload, 'ig_post_media_id', 'reel_video_id', 'story_media_id', 'id'),
    stickerId: text(payload.sticker_id),
    elements: kind === 'template' ? templateElements(payload) : null,
  };
}

function toReferral(raw: z.infer<typeof ReferralSchema> | null | undefined): Referral | null {
  if (!raw) return null;
  const ad = raw.ads_context_data;
  return {
    ref: raw.ref ?? null,
    source: raw.source ?? null,
    type: raw.type ?? null,
    adId: raw.ad_id ?? null,
    adTitle: ad?.ad_title ?? null,
    adPhotoUrl: webUrl(ad?.photo_url),
    adVideoUrl: webUrl(ad?.video_url),
    adPostId: ad?.post_id ?? null,
    productId: raw.product?.id ?? ad?.product_id ?? null,
  };
}

function toReplyTo(raw: z.infer<typeof MessageSchema>['reply_to']): ReplyTo | null {
  if (raw?.story) return { kind: 'story', storyId: raw.story.id ?? null, url: webUrl(raw.story.url) };
  if (raw?.mid) return { kind: 'message', mid: raw.mid };
  return null;
}

function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

function messagingEvent(item: MessagingItem, standby: boolean): InstagramEvent {
  const sender = item.sender.id;
  const recipient = item.recipient.id;
  const at = item.timestamp;
  const message = item.message;
  const isSelf = item.is_self === true || message?.is_self === true;
  const customer = { accountId: recipient, contactId: sender, occurredAt: at, standby, isSelf };

  if (message) {
    // An echo is the business writing to the customer: the roles of sender and recipient swap.
    const echo = message.is_echo === true;
    const parties = echo ? { ...customer, accountId: sender, contactId: recipient } : customer;
    if (message.is_deleted)
      return { ...parties, kind: 'unsend', mid: message.mid, dedupeKey: `unsend:${message.mid}` };
    return {
      ...parties,
      kind: 'message',
      dedupeKey: `message:${message.mid}`,
      mid: message.mid,
      direction: echo ? 'OUTBOUND' : 'INBOUND',
      text: message.text ?? null,
      attachments: (message.attachments ?? []).map(toAttachment),
      replyTo: toReplyTo(message.reply_to),
      quickReplyPayload: message.quick_reply?.payload ?? null,
      referral: toReferral(message.referral),
      isUnsupported: message.is_unsupported === true,
    };
  }
  if (item.message_edit) {
    const { mid, num_edit } = item.message_edit;
    const numEdit = num_edit ?? 1;
    return {
      ...customer,
      kind: 'edit',
      mid,
      text: item.message_edit.text ?? '',
      numEdit,
      dedupeKey: `edit:${mid}:${numEdit}`,
    };
  }
  if (item.reaction) {
    const { mid, action } = item.reaction;
    return {
      ...customer,
      kind: 'reaction',
      mid,
      action,
      reaction: item.reaction.reaction ?? null,
      emoji: item.reaction.emoji ?? null,
      dedupeKey: `reaction:${mid}:${sender}:${action}:${at.getTime()}`,
    };
  }
  if (item.read)
    return { ...customer, kind: 'read', mid: item.read.mid, dedupeKey: `read:${item.read.mid}:${sender}` };
  if (item.postback) {
    // Postbacks carry a mid from Graph v11; older or standby ones may not.
    const mid = item.postback.mid ?? `postback-${sender}-${at.getTime()}`;
    return {
      ...customer,
      kind: 'postback',
      mid,
      title: item.postback.title ?? '',
      payload: item.postback.payload ?? null,
      referral: toReferral(item.postback.referral),
      dedupeKey: `postback:${mid}`,
    };
  }
  if (item.referral) {
    const referral = toReferral(item.referral) as Referral;
    return {
      ...customer,
      kind: 'referral',
      referral,
      dedupeKey: `referral:${sender}:${at.getTime()}:${referral.ref ?? referral.adId ?? ''}`,
    };
  }
  return ignored(customer, item, 'messaging event of a kind the inbox does not use');
}

type Base = Pick<InstagramEvent, 'accountId' | 'contactId' | 'occurredAt' | 'standby' | 'isSelf'>;

function ignored(base: Base, raw: unknown, reason: string): InstagramEvent {
  return { ...base, kind: 'ignored', mid: null, reason, dedupeKey: `ignored:${fingerprint(raw)}` };
}

function unparsed(base: Base, raw: unknown, reason: string): InstagramEvent {
  const mid = z
    .looseObject({ mid: z.string() })
    .safeParse((raw as Record<string, unknown> | null)?.message ?? raw);
  return {
    ...base,
    kind: 'unparsed',
    mid: mid.success ? mid.data.mid : null,
    reason,
    dedupeKey: `unparsed:${fingerprint(raw)}`,
  };
}

/** Why zod refused a value: the first problem and where, never the value (it may be a message). */
function problem(error: z.ZodError): string {
  const [issue] = error.issues;
  return `${issue?.path.join('.') || 'item'}: ${issue?.message ?? 'invalid'}`;
}

/** A messaging item: one of the kinds the inbox reads, or (another kind) ignored, or unparsed. */
function itemEvent(raw: unknown, base: Base): InstagramEvent {
  const parsed = MessagingItem.safeParse(raw);
  if (parsed.success) return messagingEvent(parsed.data, base.standby);
  const known = typeof raw === 'object' && raw !== null && DM_KINDS.some((key) => key in raw);
  const sender = z.looseObject({ sender: Party }).safeParse(raw);
  const from = { ...base, contactId: sender.success ? sender.data.sender.id : base.contactId };
  return known
    ? unparsed(from, raw, `unreadable messaging item (${problem(parsed.error)})`)
    : ignored(from, raw, 'messaging event of a kind the inbox does not use');
}

// A comment (reference, "surfaces beyond DMs"). Instagram Login names it `id`; Page-linked
// payloads have been seen with `comment_id`, and an ad's id and title on the media or beside it.
const CommentValue = z.looseObject({
  id: Id.optional(),
  comment_id: Id.optional(),
  text: z.string().nullish(),
  from: z.looseObject({ id: Id, username: z.string().nullish() }),
  parent_id: Id.nullish(),
  media: z
    .looseObject({
      id: Id.nullish(),
      media_product_type: z.string().nullish(),
      ad_id: Id.nullish(),
      ad_title: z.string().nullish(),
    })
    .nullish(),
  ad_id: Id.nullish(),
  ad_title: z.string().nullish(),
});

const COMMENT_FIELDS = new Set(['comments', 'live_comments']);

function commentEvent(entryId: string, base: Base, field: string, raw: unknown): InstagramEvent {
  const parsed = CommentValue.safeParse(raw);
  if (!parsed.success) return unparsed(base, raw, `unreadable comment (${problem(parsed.error)})`);
  const value = parsed.data;
  const commentId = value.id ?? value.comment_id;
  if (!commentId) return unparsed(base, raw, 'unreadable comment (value.id: missing)');
  // The business answering in public: the customer is found through the comment it answers.
  const outbound = value.from.id === entryId;
  const text = value.text ?? '';
  return {
    ...base,
    contactId: outbound ? '' : value.from.id,
    kind: 'comment',
    // A comment sent again with other words is an edit of it; the same words again, a redelivery.
    dedupeKey: `comment:${commentId}:${fingerprint(text)}`,
    commentId,
    direction: outbound ? 'OUTBOUND' : 'INBOUND',
    text,
    parentId: value.parent_id ?? null,
    mediaId: value.media?.id ?? null,
    mediaProductType: value.media?.media_product_type ?? null,
    adId: value.media?.ad_id ?? value.ad_id ?? null,
    adTitle: value.media?.ad_title ?? value.ad_title ?? null,
    live: field === 'live_comments',
    username: value.from.username ?? null,
  };
}

function changeEvents(entryId: string, fallbackTime: Date, change: z.infer<typeof Change>): InstagramEvent[] {
  const from = z.looseObject({ from: Party.optional() }).safeParse(change.value);
  const base: Base = {
    accountId: entryId,
    contactId: (from.success && from.data.from?.id) || '',
    occurredAt: fallbackTime,
    standby: false,
    isSelf: false,
  };
  // The App Dashboard's "Test" button sends a messages event in the `changes` style.
  if (change.field === 'messages') return [itemEvent(change.value, base)];
  if (COMMENT_FIELDS.has(change.field)) return [commentEvent(entryId, base, change.field, change.value)];
  return [ignored(base, change, `'${change.field}' changes are not comments or direct messages`)];
}

/** An entry's time, when its items lack their own; the time of receipt when it has none we can read. */
function entryTime(value: unknown): Date {
  const parsed = Timestamp.safeParse(value);
  if (parsed.success && !Number.isNaN(parsed.data.getTime())) return parsed.data;
  const iso = typeof value === 'string' ? new Date(value) : null;
  return iso && !Number.isNaN(iso.getTime()) ? iso : new Date();
}

export function parseWebhookDelivery(rawBody: Buffer | string): ParsedDelivery {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    throw new MalformedDeliveryError('the body is not JSON');
  }
  // Some of Meta's samples wrap the delivery in an array; real ones are an object.
  const deliveries = Array.isArray(json) ? json : [json];
  const events: InstagramEvent[] = [];
  const accountIds = new Set<string>();
  let object: string | null = null;

  for (const candidate of deliveries) {
    const delivery = Delivery.safeParse(candidate);
    if (!delivery.success) throw new MalformedDeliveryError('the body has no object and entry list');
    object = delivery.data.object;
    for (const rawEntry of delivery.data.entry) {
      const entry = Entry.safeParse(rawEntry);
      const now = new Date();
      if (!entry.success) {
        const base = { accountId: '', contactId: '', occurredAt: now, standby: false, isSelf: false };
        events.push(unparsed(base, rawEntry, `unreadable entry (${problem(entry.error)})`));
        continue;
      }
      const { id: entryId } = entry.data;
      accountIds.add(entryId);
      if (object === HISTORY_OBJECT) {
        events.push(
          ...parseHistoryConversation(entryId, (rawEntry as { conversation?: unknown }).conversation),
        );
        continue;
      }
      const time = entryTime(entry.data.time);
      const items = [
        ...(entry.data.messaging ?? []).map((item) => ({ item, standby: false })),
        ...(entry.data.standby ?? []).map((item) => ({ item, standby: true })),
      ];
      for (const { item, standby } of items) {
        events.push(
          itemEvent(item, { accountId: entryId, contactId: '', occurredAt: time, standby, isSelf: false }),
        );
      }
      const changes = entry.data.field
        ? [{ field: entry.data.field, value: entry.data.value }]
        : (entry.data.changes ?? []);
      for (const rawChange of changes) {
        const change = Change.safeParse(rawChange);
        if (change.success) events.push(...changeEvents(entryId, time, change.data));
        else {
          const base = { accountId: entryId, contactId: '', occurredAt: time, standby: false, isSelf: false };
          events.push(unparsed(base, rawChange, `unreadable change (${problem(change.error)})`));
        }
      }
    }
  }
  for (const event of events) if (event.accountId) accountIds.add(event.accountId);
  // Meta may deliver out of order; its timestamps are the truth.
  events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  return {
    object,
    source: object === HISTORY_OBJECT ? 'history' : 'webhook',
    accountIds: [...accountIds],
    events,
  };
}
