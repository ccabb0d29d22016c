// The codecs of the conversation tables' jsonb columns (see server/db/jsonb.ts for why there is no
// other way in). Each schema is the column's contract: what is stored, with defaults for fields
// added since older rows were written, so those rows decode too.
import { z } from 'zod';
import { jsonbCodec } from '../db/jsonb.ts';
import type { Attachment, AttachmentKind, Referral, TemplateElement } from '../meta/instagram-events.ts';
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
  /** A comment's post and ad (the comment's own id, parent and state have columns). */
  comment: StoredComment | null;
  /**
   * The quick replies a message of ours offered under its text, as the customer was shown them.
   * Optional here because rows and writers older than quick replies leave it out (it reads as null).
   */
  quickReplies?: QuickReplyOption[] | null;
}

/** A quick reply the business offered: what the customer saw, and what the app receives on a tap. */
export interface QuickReplyOption {
  title: string;
  payload: string;
}

/** Where a comment was made: the post (reel, live) and the ad it was made on. */
export interface StoredComment {
  mediaId: string | null;
  mediaProductType: string | null;
  adId: string | null;
  adTitle: string | null;
  live: boolean;
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
    comment: z
      .object({
        mediaId: text,
        mediaProductType: text,
        adId: text,
        adTitle: text,
        live: z.boolean().default(false),
      })
      .nullable()
      .default(null),
    quickReplies: z
      .array(z.object({ title: z.string(), payload: z.string() }))
      .nullable()
      .default(null),
  }),
);

const ReactionSchema: z.ZodType<Reaction, unknown> = z.object({
  by: z.string(),
  reaction: text,
  emoji: text,
  at: z.string(),
});

export const attachmentsColumn = jsonbCodec('conversation_messages.attachments', z.array(AttachmentSchema));
export const providerDataColumn = jsonbCodec('conversation_messages.provider_data', ProviderDataSchema);
export const reactionsColumn = jsonbCodec('conversation_messages.reactions', z.array(ReactionSchema));

/** The link of a stored message's (first) attachment: the media an outbound message sends. */
export function firstAttachmentUrl(stored: unknown): string | null {
  return stored === null ? null : (attachmentsColumn.decode(stored)[0]?.url ?? null);
}

/** The attachment fields a message built in this app starts with (outbound media). */
export function plainAttachment(kind: AttachmentKind, url: string): Attachment {
  return { kind, type: kind, url, title: null, mediaId: null, stickerId: null, elements: null };
}

/** A generic template built in this app, stored as its echo would be (the thread shows both alike). */
export function templateAttachment(elements: TemplateElement[]): Attachment {
  return {
    kind: 'template',
    type: 'template',
    url: null,
    title: null,
    mediaId: null,
    stickerId: null,
    elements,
  };
}
