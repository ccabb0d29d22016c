// The codec of every jsonb column the server writes (see server/db/jsonb.ts for why there is no
// other way in). Each schema is the column's contract: what is stored, with defaults for fields
// added since older rows were written, so those rows decode too.
import { z } from 'zod';
import { jsonbCodec } from '../db/jsonb.ts';
import type {
  Attachment,
  AttachmentKind,
  InstagramEvent,
  Referral,
  TemplateElement,
} from '../meta/instagram-events.ts';
import type { Reaction } from './message-presentation.ts';

const text = z.string().nullable().default(null);

const TemplateElementSchema: z.ZodType<TemplateElement, unknown> = z.object({
  title: text,
  subtitle: text,
  imageUrl: text,
  url: text,
  buttons: z.array(z.object({ type: z.string(), title: text, url: text, payload: text })).default([]),
});

const AttachmentSchema: z.ZodType<Attachment, unknown> = z.object({
  kind: z.string() as z.ZodType<AttachmentKind>,
  type: z.string(),
  url: text,
  title: text,
  mediaId: text,
  stickerId: text,
  elements: z.array(TemplateElementSchema).nullable().default(null),
});

/** A referral as stored (Meta's wire form is parse-webhook-delivery's ReferralSchema). */
export const StoredReferralSchema: z.ZodType<Referral, unknown> = z.object({
  ref: text,
  source: text,
  type: text,
  adId: text,
  adTitle: text,
  adPhotoUrl: text,
  adVideoUrl: text,
  adPostId: text,
  productId: text,
});

/** What a stored message keeps of Meta's event beyond its text and attachments. */
export interface ProviderData {
  replyToStory: { storyId: string | null; url: string | null } | null;
  quickReplyPayload: string | null;
  postbackPayload: string | null;
  referral: Referral | null;
  /** Received under `standby`: another app controlled the thread. */
  standby: boolean;
  /** 'echo': typed outside this app (the Instagram app or another tool). */
  origin: 'echo' | null;
}

const ProviderDataSchema: z.ZodType<ProviderData, unknown> = z.preprocess(
  // Postbacks were first stored with their payload under `payload`.
  (stored) =>
    stored && typeof stored === 'object' && 'payload' in stored && !('postbackPayload' in stored)
      ? { ...stored, postbackPayload: (stored as { payload: unknown }).payload }
      : stored,
  z.object({
    replyToStory: z.object({ storyId: text, url: text }).nullable().default(null),
    quickReplyPayload: text,
    postbackPayload: text,
    referral: StoredReferralSchema.nullable().default(null),
    standby: z.boolean().default(false),
    origin: z.literal('echo').nullable().default(null),
  }),
);

const ReactionSchema: z.ZodType<Reaction, unknown> = z.object({
  by: z.string(),
  reaction: text,
  emoji: text,
  at: z.string(),
});

// The parsed event as ingest recorded it. Only the parts ingest reads back are checked field by
// field (the events that change a message); the rest must at least name its kind.
const EventBase = {
  accountId: z.string(),
  contactId: z.string(),
  occurredAt: z.coerce.date(),
  dedupeKey: z.string(),
  standby: z.boolean().default(false),
  isSelf: z.boolean().default(false),
};
const StoredEventSchema = z.union([
  z.object({ ...EventBase, kind: z.literal('unsend'), mid: z.string() }),
  z.object({ ...EventBase, kind: z.literal('edit'), mid: z.string(), text: z.string(), numEdit: z.number() }),
  z.object({
    ...EventBase,
    kind: z.literal('reaction'),
    mid: z.string(),
    action: z.enum(['react', 'unreact']),
    reaction: text,
    emoji: text,
  }),
  z.object({ ...EventBase, kind: z.literal('read'), mid: z.string() }),
  z.looseObject({
    ...EventBase,
    kind: z.enum(['message', 'postback', 'referral', 'ignored', 'unparsed']),
  }),
]) as unknown as z.ZodType<InstagramEvent, unknown>;

export const attachmentsColumn = jsonbCodec('conversation_messages.attachments', z.array(AttachmentSchema));
export const providerDataColumn = jsonbCodec('conversation_messages.provider_data', ProviderDataSchema);
export const reactionsColumn = jsonbCodec('conversation_messages.reactions', z.array(ReactionSchema));
export const eventPayloadColumn = jsonbCodec('instagram_events.payload', StoredEventSchema);
export const leadReferralColumn = jsonbCodec('leads.referral', StoredReferralSchema);
export const webhookHeadersColumn = jsonbCodec('webhook_events.headers', z.record(z.string(), z.string()));
export const deletionSummaryColumn = jsonbCodec(
  'data_deletion_requests.summary',
  z.record(z.string(), z.number()),
);

/** The link of a stored message's (first) attachment: the media an outbound message sends. */
export function firstAttachmentUrl(stored: unknown): string | null {
  return stored === null ? null : (attachmentsColumn.decode(stored)[0]?.url ?? null);
}

/** The attachment fields a message built in this app starts with (outbound media). */
export function plainAttachment(kind: AttachmentKind, url: string): Attachment {
  return { kind, type: kind, url, title: null, mediaId: null, stickerId: null, elements: null };
}
