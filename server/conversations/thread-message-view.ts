// How one stored message appears in the conversation view: its media under the media policy
// (links to Meta's CDN, never copies; stories vanish after 24 h), the message it quotes, the story
// it answers, the ad or link it came from, and the customer's reactions.
import { isAdReferral, type TemplateElement } from '../meta/instagram-events.ts';
import { attachmentsColumn, providerDataColumn, reactionsColumn } from './jsonb-columns.ts';
import { previewOf } from './message-presentation.ts';
import { PRIVATE_REPLY_WINDOW_MS, privateReplyWindow } from './messaging-window.ts';
import type { ThreadRow } from './thread.repository.ts';

/** Meta's story media stops loading when the story expires, a day after it was posted. */
export const STORY_LIFETIME_MS = 24 * 60 * 60 * 1000;

const STORY_KINDS = new Set(['story_mention', 'ig_story']);

// Meta names reactions ("love") and sends the emoji only for some; a name we do not know shows as
// a heart, and an emoji stored as such shows as itself.
const REACTION_EMOJI: Record<string, string> = {
  love: '❤️',
  like: '👍',
  laugh: '😂',
  wow: '😮',
  sad: '😢',
  angry: '😡',
};

const emojiOf = (reaction: string | null) =>
  REACTION_EMOJI[reaction ?? ''] ?? (reaction && !/^[a-z_]+$/.test(reaction) ? reaction : '❤️');

export interface ThreadAttachmentView {
  kind: string;
  url: string | null;
  title: string | null;
  /** Story media whose day is over: shown as a placeholder, never requested. */
  expired: boolean;
  /** A sticker (shown as its picture). */
  sticker: boolean;
  /** The cards of a template the business sent. */
  elements: TemplateElement[] | null;
}

export interface ThreadMessageView {
  id: string;
  direction: 'INBOUND' | 'OUTBOUND';
  kind: string;
  text: string;
  attachments: ThreadAttachmentView[];
  status: string;
  externalMessageId: string | null;
  replyToExternalId: string | null;
  /** The message this one replies to, as a one-line preview; null when we do not hold it. */
  quote: { direction: 'INBOUND' | 'OUTBOUND'; preview: string } | null;
  /** The customer's story this message answers. */
  storyReply: { url: string | null; expired: boolean } | null;
  /** The ad, shop product or ig.me link that opened the conversation. */
  referral: {
    source: 'AD' | 'LINK' | 'PRODUCT';
    ref: string | null;
    adId: string | null;
    adTitle: string | null;
    adPhotoUrl: string | null;
    adPostId: string | null;
    productId: string | null;
  } | null;
  /** Typed in the Instagram app (or another tool), not in this inbox. */
  sentOutsideInbox: boolean;
  /** Received while another app controlled the thread. */
  standby: boolean;
  /** The customer's reactions, then the business's own (`fromBusiness`). */
  reactions: { emoji: string; fromBusiness: boolean }[];
  /** The reaction the business sent, as Meta names it ("love"). */
  businessReaction: string | null;
  edited: boolean;
  unsent: boolean;
  seen: boolean;
  occurredAt: string;
  errorMessage: string | null;
  humanAgent: boolean;
  /** A comment on one of the business's posts (the customer's, or the business's public reply). */
  comment: ThreadCommentView | null;
  /** The comment this direct message answers privately. */
  privateReplyTo: string | null;
  /** The quick replies a message of the business offered under its text, as the customer saw them. */
  quickReplies: { title: string; payload: string }[] | null;
  /** The customer's message is their tap on a quick reply: the payload it carried. */
  quickReplyPayload: string | null;
}

export interface ThreadCommentView {
  commentId: string | null;
  /** The comment it answers in the post's thread. */
  parentId: string | null;
  media: {
    id: string;
    productType: string | null;
    permalink: string | null;
    thumbnailUrl: string | null;
    caption: string | null;
  } | null;
  adId: string | null;
  adTitle: string | null;
  live: boolean;
  hidden: boolean;
  /**
   * Whether the business may still answer it privately: 'open' until `closesAt` (7 days), then
   * 'expired'; 'replied' once it did (Meta allows one). Null for the business's own comments.
   */
  privateReply: { state: 'open' | 'replied' | 'expired'; closesAt: string } | null;
}

function commentView(row: ThreadRow, now: Date): ThreadCommentView | null {
  if (row.kind !== 'comment') return null;
  const stored = providerDataColumn.decode(row.provider_data ?? {}).comment;
  const window = privateReplyWindow(row.occurred_at, now);
  const closesAt = new Date(row.occurred_at.getTime() + PRIVATE_REPLY_WINDOW_MS);
  const state = row.privately_replied ? 'replied' : window.kind === 'standard' ? 'open' : 'expired';
  return {
    commentId: row.comment_id,
    parentId: row.comment_parent_id,
    media: stored?.mediaId
      ? {
          id: stored.mediaId,
          productType: stored.mediaProductType,
          permalink: row.media_permalink,
          thumbnailUrl: row.media_thumbnail_url,
          caption: row.media_caption,
        }
      : null,
    adId: stored?.adId ?? null,
    adTitle: stored?.adTitle ?? null,
    live: stored?.live ?? false,
    hidden: row.hidden_at !== null,
    privateReply:
      row.direction === 'INBOUND' && row.comment_id ? { state, closesAt: closesAt.toISOString() } : null,
  };
}

const asAttachments = (value: unknown) => (value === null ? [] : attachmentsColumn.decode(value));

/** A stored message's attachments as the media policy lets them be shown (or exported) at `now`. */
export function attachmentViews(stored: unknown, occurredAt: Date, now: Date): ThreadAttachmentView[] {
  const storyGone = now.getTime() - occurredAt.getTime() >= STORY_LIFETIME_MS;
  return asAttachments(stored).map((a) => {
    const expired = STORY_KINDS.has(a.kind) && storyGone;
    return {
      kind: a.kind,
      url: expired ? null : a.url,
      title: a.title,
      expired,
      sticker: a.stickerId !== null || a.kind === 'sticker',
      elements: a.elements,
    };
  });
}

/** The links of a message's media that can still be opened (web links only; stories expire). */
export function attachmentUrls(stored: unknown, occurredAt: Date, now: Date): string[] {
  return attachmentViews(stored, occurredAt, now).flatMap((a) => (a.url === null ? [] : [a.url]));
}

export function threadMessageView(row: ThreadRow, now: Date): ThreadMessageView {
  const data = providerDataColumn.decode(row.provider_data ?? {});
  const storyGone = now.getTime() - row.occurred_at.getTime() >= STORY_LIFETIME_MS;
  const referral = data.referral ?? null;
  return {
    id: row.id,
    direction: row.direction,
    kind: row.kind,
    text: row.content,
    attachments: attachmentViews(row.attachments, row.occurred_at, now),
    status: row.status,
    externalMessageId: row.external_message_id,
    replyToExternalId: row.reply_to_external_id,
    quote:
      row.quoted_id && row.quoted_direction
        ? {
            direction: row.quoted_direction,
            preview: previewOf({
              direction: row.quoted_direction,
              kind: row.quoted_kind ?? 'text',
              text: row.quoted_content ?? '',
              attachments: asAttachments(row.quoted_attachments),
              unsent: row.quoted_unsent_at !== null,
            }),
          }
        : null,
    storyReply: data.replyToStory
      ? { url: storyGone ? null : data.replyToStory.url, expired: storyGone }
      : null,
    referral: referral
      ? {
          source: isAdReferral(referral) ? 'AD' : referral.productId ? 'PRODUCT' : 'LINK',
          ref: referral.ref,
          adId: referral.adId,
          adTitle: referral.adTitle,
          adPhotoUrl: referral.adPhotoUrl,
          adPostId: referral.adPostId,
          productId: referral.productId,
        }
      : null,
    sentOutsideInbox: data.origin === 'echo',
    standby: data.standby,
    reactions: [
      ...reactionsColumn.decode(row.reactions).map((r) => ({
        emoji: r.emoji ?? emojiOf(r.reaction),
        fromBusiness: false,
      })),
      ...(row.business_reaction ? [{ emoji: emojiOf(row.business_reaction), fromBusiness: true }] : []),
    ],
    businessReaction: row.business_reaction,
    edited: row.edit_count > 0,
    unsent: row.unsent_at !== null,
    seen: row.seen_at !== null,
    occurredAt: row.occurred_at.toISOString(),
    errorMessage: row.error_message,
    humanAgent: row.messaging_tag === 'HUMAN_AGENT',
    comment: commentView(row, now),
    privateReplyTo: row.private_reply_to,
    quickReplies: row.direction === 'OUTBOUND' ? (data.quickReplies ?? null) : null,
    quickReplyPayload: row.direction === 'INBOUND' ? data.quickReplyPayload : null,
  };
}
