// What the Conversations API (§7) shows of an account's threads, apart from how Graph spells it:
// which conversations are listed and in what order, which of their messages, and which of those
// still have details. Meta: "Queries to the /<CONVERSATION_ID> endpoint will return all message
// IDs in a conversation. However, you can only get details about the 20 most recent messages."
//
// Choices where Meta is silent: newest first with ties broken by id (descending), so every listing
// has one total order that cursors can hold a place in; a message the customer unsent is gone from
// the listing and does not count among the 20; a conversation is listed once it has a listed
// message, and its `updated_time` is its newest one's. The world has no message-request folder,
// so Meta's rule that request threads idle for 30 days are not listed has nothing to act on.
import type { ThreadMessage } from './threads.ts';
import type { Account, Conversation, World } from './world.ts';

export const DETAILED_MESSAGES = 20;

/** A place in a newest-first listing: the time and the id that breaks ties. */
export interface ListingKey {
  time: number;
  id: string;
}

/** Negative when `a` comes before (is newer than) `b`. */
export function newestFirst(a: ListingKey, b: ListingKey): number {
  return b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The thread's messages the API lists, newest first. */
export function listedMessages(conversation: Conversation): ThreadMessage[] {
  return conversation.thread.messages
    .filter((message) => !message.deleted)
    .sort((a, b) => newestFirst(messageKey(a), messageKey(b)));
}

export const messageKey = (message: ThreadMessage): ListingKey => ({
  time: message.timestamp,
  id: message.mid,
});

export interface ListedConversation {
  conversation: Conversation;
  /** Newest first. */
  messages: ThreadMessage[];
  /** The newest message's time. */
  updatedTime: number;
}

export function listConversation(conversation: Conversation): ListedConversation | undefined {
  const messages = listedMessages(conversation);
  const newest = messages[0];
  return newest && { conversation, messages, updatedTime: newest.timestamp };
}

export const conversationKey = (listed: ListedConversation): ListingKey => ({
  time: listed.updatedTime,
  id: listed.conversation.thread.id,
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
  return new Set(listed.messages.slice(0, DETAILED_MESSAGES));
}
