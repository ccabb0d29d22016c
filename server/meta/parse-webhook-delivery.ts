// Meta's webhook body → our events. Every entry and every messaging/standby item is read (Meta
// batches up to 1000); an item we do not understand becomes an `ignored` event instead of failing
// the delivery, and comments (`changes`) are routed away from the inbox the same way.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Attachment, AttachmentKind, InstagramEvent, Referral, ReplyTo } from './instagram-events.ts';

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
  ads_context_data: z.looseObject({ ad_title: z.string().nullish() }).nullish(),
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

const Entry = z.looseObject({
  id: Id,
  time: Timestamp.optional(),
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
};

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}

function toAttachment(raw: z.infer<typeof AttachmentSchema>): Attachment {
  const payload = raw.payload ?? {};
  return {
    kind: ATTACHMENT_KINDS[raw.type] ?? 'unsupported',
    type: raw.type,
    url: text(payload.url),
    title: text(payload.title),
    mediaId: text(payload.ig_post_media_id) ?? text(payload.reel_video_id) ?? text(payload.id),
  };
}

function toReferral(raw: z.infer<typeof ReferralSchema> | null | undefined): Referral | null {
  if (!raw) return null;
  return {
    ref: raw.ref ?? null,
    source: raw.source ?? null,
    type: raw.type ?? null,
    adId: raw.ad_id ?? null,
    adTitle: raw.ads_context_data?.ad_title ?? null,
  };
}

function toReplyTo(raw: z.infer<typeof MessageSchema>['reply_to']): ReplyTo | null {
  if (raw?.story) return { kind: 'story', storyId: raw.story.id ?? null, url: raw.story.url ?? null };
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
  const customer = { accountId: recipient, contactId: sender, occurredAt: at, standby };
  const message = item.message;

  if (message) {
    if (message.is_deleted)
      return { ...customer, kind: 'unsend', mid: message.mid, dedupeKey: `unsend:${message.mid}` };
    const echo = message.is_echo === true;
    return {
      // An echo is the business writing to the customer: the roles of sender and recipient swap.
      ...(echo ? { ...customer, accountId: sender, contactId: recipient } : customer),
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

function ignored(
  base: { accountId: string; contactId: string; occurredAt: Date; standby: boolean },
  raw: unknown,
  reason: string,
): InstagramEvent {
  return { ...base, kind: 'ignored', mid: null, reason, dedupeKey: `ignored:${fingerprint(raw)}` };
}

function changeEvents(entryId: string, fallbackTime: Date, change: z.infer<typeof Change>): InstagramEvent[] {
  // The App Dashboard's "Test" button sends a messages event in the `changes` style.
  if (change.field === 'messages') {
    const item = MessagingItem.safeParse(change.value);
    if (item.success) return [messagingEvent(item.data, false)];
  }
  const from = z.looseObject({ from: Party.optional() }).safeParse(change.value);
  const base = {
    accountId: entryId,
    contactId: (from.success && from.data.from?.id) || '',
    occurredAt: fallbackTime,
    standby: false,
  };
  return [ignored(base, change, `'${change.field}' changes are not direct messages`)];
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
      if (!entry.success) continue;
      const { id: entryId, time = new Date() } = entry.data;
      accountIds.add(entryId);
      const items = [
        ...(entry.data.messaging ?? []).map((item) => ({ item, standby: false })),
        ...(entry.data.standby ?? []).map((item) => ({ item, standby: true })),
      ];
      for (const { item, standby } of items) {
        const parsed = MessagingItem.safeParse(item);
        events.push(
          parsed.success
            ? messagingEvent(parsed.data, standby)
            : ignored(
                { accountId: entryId, contactId: '', occurredAt: time, standby },
                item,
                'unrecognised messaging item',
              ),
        );
      }
      const changes = entry.data.field
        ? [{ field: entry.data.field, value: entry.data.value }]
        : (entry.data.changes ?? []);
      for (const rawChange of changes) {
        const change = Change.safeParse(rawChange);
        if (change.success) events.push(...changeEvents(entryId, time, change.data));
      }
    }
  }
  for (const event of events) accountIds.add(event.accountId);
  // Meta may deliver out of order; its timestamps are the truth.
  events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  return { object, accountIds: [...accountIds], events };
}
