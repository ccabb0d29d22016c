// What the Conversations API (§7) shows of an account's threads, apart from how Graph spells it:
// which conversations are listed and in what order, which of their messages, and which of those
// still have details. Meta: "Queries to the /<CONVERSATION_ID> endpoint will return all message
// IDs in a conversation. However, you can only get details about the 20 most recent messages."
//
// Choices where Meta is silent: newest first, conversations of the same time by id (descending)
// and messages of the same millisecond latest arrival first, so every listing has one total order
// that cursors can hold a place in; a message the customer unsent is gone from the listing and
// does not count among the 20; a conversation is listed once it has a listed message, and its
// `updated_time` is its newest one's. The world has no message-request folder, so Meta's rule
// that request threads idle for 30 days are not listed has nothing to act on.
import type { ThreadMessage } from './threads.ts';
import type { Account, Conversation, World } from './world.ts';

export const DETAILED_MESSAGES = 20;

/** A place in a newest-first listing: a time, and what orders equal times (larger first). */
export interface ListingKey {
  time: number;
  tie: string;
}

/** Negative when `a` comes before (is newer than) `b`. */
export function newestFirst(a: ListingKey, b: ListingKey): number {
  return b.time - a.time || (a.tie < b.tie ? 1 : a.tie > b.tie ? -1 : 0);
}

export interface ListedMessage {
  message: ThreadMessage;
  key: ListingKey;
}

/**
 * The thread's messages the API lists, newest first. Messages of the same millisecond keep the
 * order they arrived in: a thread holds them so, and their rank among equal times (zero-padded,
 * so that it sorts as text) never changes, since later ones land after them.
 */
export function listedMessages(conversation: Conversation): ListedMessage[] {
  const listed: ListedMessage[] = [];
  let rank = 0;
  let previous: number | undefined;
  for (const message of conversation.thread.messages) {
    rank = message.timestamp === previous ? rank + 1 : 0;
    previous = message.timestamp;
    if (!message.deleted)
      listed.push({ message, key: { time: message.timestamp, tie: String(rank).padStart(9, '0') } });
  }
  return listed.reverse();
}

export interface ListedConversation {
  conversation: Conversation;
  /** Newest first. */
  messages: ListedMessage[];
  /** The newest message's time. */
  updatedTime: number;
}

export function listConversation(conversation: Conversation): ListedConversation | undefined {
  const messages = listedMessages(conversation);
  const newest = messages[0];
  return newest && { conversation, messages, updatedTime: newest.key.time };
}

export const conversationKey = (listed: ListedConversation): ListingKey => ({
  time: listed.updatedTime,
  tie: listed.conversation.thread.id,
});

/** The account's listed conversations, most recently updated first. */
export function listedConversations(world: World, account: Account): ListedConversation[] {
  return world
    .conversations(account)
    .flatMap((conversation) => listConversation(conversation) ?? [])
    .sort((a, b) => newestFirst(conversationKey(a), conversationKey(b)));
}

/** The messages the API still gives details of: the 20 most recent listed. */
export function detailedMessages(listed: ListedConversation): Set<ThreadMessage> {
  return new Set(listed.messages.slice(0, DETAILED_MESSAGES).map((entry) => entry.message));
}
