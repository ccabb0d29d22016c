// Our event types: what a webhook delivery means, independent of Meta's wire shapes.
// Every id is a string (Meta's ids exceed 2^53).

export type AttachmentKind =
  | 'image'
  | 'video'
  | 'audio'
  | 'file'
  | 'share'
  | 'ig_post'
  | 'ig_reel'
  | 'story_mention'
  | 'ig_story'
  | 'ephemeral'
  | 'template'
  | 'like_heart'
  | 'sticker'
  | 'unsupported';

/** A button of a template card: a link or a postback. */
export interface TemplateButton {
  type: string;
  title: string | null;
  url: string | null;
  payload: string | null;
}

/** One card of a generic template the business sent (seen on its echo). */
export interface TemplateElement {
  title: string | null;
  subtitle: string | null;
  imageUrl: string | null;
  /** Where tapping the card leads (its default action). */
  url: string | null;
  buttons: TemplateButton[];
}

export interface Attachment {
  kind: AttachmentKind;
  /** Meta's own `type`, kept verbatim (new kinds appear without notice). */
  type: string;
  url: string | null;
  title: string | null;
  /** Post, reel or story id where Meta gives one. */
  mediaId: string | null;
  /** Meta's id of a sticker (sent as a sticker, or as an image that is one). */
  stickerId: string | null;
  /** The cards of a generic template; null for any other attachment. */
  elements: TemplateElement[] | null;
}

export interface Referral {
  ref: string | null;
  source: string | null;
  type: string | null;
  adId: string | null;
  adTitle: string | null;
  /** The ad's picture, video and post, from its `ads_context_data`. */
  adPhotoUrl: string | null;
  adVideoUrl: string | null;
  adPostId: string | null;
  /** The shop product the customer came from (a product referral, or the ad's product). */
  productId: string | null;
}

/** A click-to-message ad, as opposed to an ig.me link. */
export const isAdReferral = (referral: Referral) => referral.adId !== null || referral.source === 'ADS';

export type ReplyTo =
  | { kind: 'message'; mid: string }
  | { kind: 'story'; storyId: string | null; url: string | null };

/** A comment on one of the business's posts, reels, ads or lives (a `comments` change). */
export interface CommentFields {
  commentId: string;
  /** OUTBOUND: the business's own public reply (from this app, the Instagram app or another tool). */
  direction: 'INBOUND' | 'OUTBOUND';
  text: string;
  /** The comment it answers, in the post's comment thread. */
  parentId: string | null;
  mediaId: string | null;
  /** FEED, REELS, LIVE… as Meta names the surface. */
  mediaProductType: string | null;
  /** Comments on an ad carry the ad. */
  adId: string | null;
  adTitle: string | null;
  /** From `live_comments`: made during a live broadcast. */
  live: boolean;
  username: string | null;
}

interface EventBase {
  /** The business account (IG_ID) the event belongs to. */
  accountId: string;
  /** The customer (IGSID). */
  contactId: string;
  occurredAt: Date;
  /** Identity of the event for deduplication, unique per account. */
  dedupeKey: string;
  /** Under `standby` when another app controls the thread. */
  standby: boolean;
  /** The business messaging its own account (previewing its automations): not a customer. */
  isSelf: boolean;
}

export type InstagramEvent = EventBase &
  (
    | {
        kind: 'message';
        mid: string;
        /** OUTBOUND for echoes: sent by the business, from our app or any other. */
        direction: 'INBOUND' | 'OUTBOUND';
        text: string | null;
        attachments: Attachment[];
        replyTo: ReplyTo | null;
        quickReplyPayload: string | null;
        referral: Referral | null;
        isUnsupported: boolean;
      }
    | { kind: 'unsend'; mid: string }
    | { kind: 'edit'; mid: string; text: string; numEdit: number }
    | {
        kind: 'reaction';
        mid: string;
        action: 'react' | 'unreact';
        reaction: string | null;
        emoji: string | null;
      }
    | { kind: 'read'; mid: string }
    | { kind: 'postback'; mid: string; title: string; payload: string | null; referral: Referral | null }
    | { kind: 'referral'; referral: Referral }
    | ({ kind: 'comment' } & CommentFields)
    | { kind: 'ignored'; mid: string | null; reason: string }
    /** Something Meta sent that we could not read: kept with the reason, to replay after a fix. */
    | { kind: 'unparsed'; mid: string | null; reason: string }
  );

export type EventKind = InstagramEvent['kind'];

/** Kinds that change a message that may not have arrived yet. */
export const MESSAGE_MUTATIONS = ['unsend', 'edit', 'reaction'] as const;
