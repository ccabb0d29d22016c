// One conversation between a business account and a customer, as the customer's Instagram app
// would show it: messages in timestamp order with edits, unsends and reactions applied. The
// scenarios write it, the chat page shows it and the Conversations API reads it, so every reader
// sees what the webhooks said.
import type { QuickReply, Template } from './send-content.ts';

/**
 * Every kind of attachment a thread can hold: a sticker is the image Meta sends with a
 * `sticker_id`, a template the cards of a business echo. The Conversations API maps each one, so
 * a new kind fails to compile until it says what the API shows for it.
 */
export type ThreadAttachmentType =
  | 'image'
  | 'sticker'
  | 'video'
  | 'audio'
  | 'file'
  | 'share'
  | 'ig_post'
  | 'ig_reel'
  | 'ig_story'
  | 'story_mention'
  | 'ephemeral'
  | 'like_heart'
  | 'template';

export interface ThreadAttachment {
  type: ThreadAttachmentType;
  url: string | null;
  title: string | null;
}

export interface ThreadReaction {
  reaction: string;
  emoji: string;
}

/** The comment a private reply answers: Instagram shows the message with a link to the post. */
export interface ThreadCommentReply {
  commentId: string;
  commentText: string;
  mediaId: string;
  permalink: string;
}

export interface ThreadMessage {
  mid: string;
  from: 'customer' | 'business';
  timestamp: number;
  text: string | null;
  attachments: ThreadAttachment[];
  replyTo: { mid: string } | { story: { url: string; id: string } } | null;
  quickReplyPayload: string | null;
  postbackPayload: string | null;
  referral: Record<string, unknown> | null;
  unsupported: boolean;
  deleted: boolean;
  edits: number;
  /** The customer's reaction to this message (business reactions send no webhook). */
  customerReaction: ThreadReaction | null;
  /** Quick replies the business offered with this message (tappable while it is the last one). */
  quickReplies: QuickReply[] | null;
  /** The generic or button template the business sent, with its cards and buttons. */
  template: Template | null;
  /** Set on a business message sent as a private reply to one of the customer's comments. */
  commentReply: ThreadCommentReply | null;
}

export interface Thread {
  /** The conversation id the Conversations API names it by. */
  id: string;
  messages: ThreadMessage[];
  /** mid of the last business message the customer has seen. */
  seenMid: string | null;
}

export type NewThreadMessage = Pick<ThreadMessage, 'mid' | 'from' | 'timestamp'> &
  Partial<Omit<ThreadMessage, 'mid' | 'from' | 'timestamp'>>;

export function newThread(id: string): Thread {
  return { id, messages: [], seenMid: null };
}

/** Inserts after every message with an earlier or equal timestamp, so late events land in place. */
export function addMessage(thread: Thread, message: NewThreadMessage): ThreadMessage {
  const { mid, from, timestamp, ...content } = message;
  const full: ThreadMessage = {
    mid,
    from,
    timestamp,
    text: null,
    attachments: [],
    replyTo: null,
    quickReplyPayload: null,
    postbackPayload: null,
    referral: null,
    unsupported: false,
    deleted: false,
    edits: 0,
    customerReaction: null,
    quickReplies: null,
    template: null,
    commentReply: null,
    ...content,
  };
  let index = thread.messages.length;
  while (index > 0 && (thread.messages[index - 1]?.timestamp ?? 0) > full.timestamp) index--;
  thread.messages.splice(index, 0, full);
  return full;
}

export function findMessage(thread: Thread, mid: string): ThreadMessage | undefined {
  return thread.messages.find((message) => message.mid === mid);
}

export function lastBusinessMessage(thread: Thread): ThreadMessage | undefined {
  return thread.messages.findLast((message) => message.from === 'business');
}
