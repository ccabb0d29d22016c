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
  | 'unsupported';

export interface Attachment {
  kind: AttachmentKind;
  /** Meta's own `type`, kept verbatim (new kinds appear without notice). */
  type: string;
  url: string | null;
  title: string | null;
  /** Post, reel or story id where Meta gives one. */
  mediaId: string | null;
}

export interface Referral {
  ref: string | null;
  source: string | null;
  type: string | null;
  adId: string | null;
  adTitle: string | null;
}

export type ReplyTo =
  | { kind: 'message'; mid: string }
  | { kind: 'story'; storyId: string | null; url: string | null };

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
    | { kind: 'ignored'; mid: string | null; reason: string }
  );

export type EventKind = InstagramEvent['kind'];

/** Kinds that change a message that may not have arrived yet. */
export const MESSAGE_MUTATIONS = ['unsend', 'edit', 'reaction'] as const;
