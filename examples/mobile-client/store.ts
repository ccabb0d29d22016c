// The app's copy of the inbox: conversations and the messages of the threads it has loaded, by
// id, whichever way they came (a page read, a catch-up with sync.changes, a fetch by id). Reads
// can return in either order, so a conversation keeps the state with the higher `version` (it
// counts the conversation's changes). A message has no version: what a fetch of it brings
// (messages.byIds, sync.changes, each asked after the change it is about) replaces it, and a page
// of its thread, which may have been read before such a change and returned after it, does not
// undo what a fetch changed or removed after that page's read began. No I/O here: the screens
// read it.
import type { RouterOutputs } from './api.ts';

export type Conversation = RouterOutputs['inbox']['listConversations']['items'][number];
export type Message = RouterOutputs['inbox']['conversation']['messages'][number];

export class InboxStore {
  private readonly conversations = new Map<string, Conversation>();
  /** Messages by conversation, then by id. */
  private readonly threads = new Map<string, Map<string, Message>>();
  private readonly conversationOfMessage = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  /** Counts what fetches did to messages (each put, each removal). */
  private fetches = 0;
  /** Each message's count at what a fetch last did to it (kept after a removal). */
  private readonly fetchedAt = new Map<string, number>();

  /** Called after every change (a screen re-renders). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A conversation as a read returned it; ignored when the copy held is newer. */
  putConversation(conversation: Conversation): void {
    const held = this.conversations.get(conversation.id);
    if (held && held.version > conversation.version) return;
    this.conversations.set(conversation.id, conversation);
    this.changed();
  }

  removeConversation(conversationId: string): void {
    this.conversations.delete(conversationId);
    this.fetches += 1;
    for (const id of this.threads.get(conversationId)?.keys() ?? []) {
      this.conversationOfMessage.delete(id);
      this.fetchedAt.set(id, this.fetches);
    }
    this.threads.delete(conversationId);
    this.changed();
  }

  /** Where a read of a thread page begins: give it to putThread with the page. */
  mark(): number {
    return this.fetches;
  }

  /**
   * A page of a thread (inbox.conversation) whose read began at `mark`: its messages, but for
   * those a fetch changed or removed since (the page may hold them as they were before).
   */
  putThread(conversationId: string, page: { messages: Message[] }, mark: number): void {
    this.set(
      page.messages
        .filter((message) => (this.fetchedAt.get(message.id) ?? 0) <= mark)
        .map((message) => ({ ...message, conversationId })),
    );
  }

  /** Messages with their conversation, as a fetch brought them (messages.byIds, sync.changes). */
  putMessages(messages: (Message & { conversationId: string })[]): void {
    this.fetches += 1;
    for (const message of messages) this.fetchedAt.set(message.id, this.fetches);
    this.set(messages);
  }

  /** A message gone (a fetch found it deleted). */
  removeMessage(messageId: string): void {
    this.fetches += 1;
    this.fetchedAt.set(messageId, this.fetches);
    const conversationId = this.conversationOfMessage.get(messageId);
    if (conversationId === undefined) return;
    this.threads.get(conversationId)?.delete(messageId);
    this.conversationOfMessage.delete(messageId);
    this.changed();
  }

  conversation(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  /** The conversations held, most recent first. */
  conversationList(): Conversation[] {
    return [...this.conversations.values()].sort(
      (a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt) || a.id.localeCompare(b.id),
    );
  }

  /** A thread's messages held, oldest first (as a chat shows them). */
  thread(conversationId: string): Message[] {
    return [...(this.threads.get(conversationId)?.values() ?? [])].sort(
      (a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id),
    );
  }

  message(id: string): Message | undefined {
    const conversationId = this.conversationOfMessage.get(id);
    return conversationId === undefined ? undefined : this.threads.get(conversationId)?.get(id);
  }

  private set(messages: (Message & { conversationId: string })[]): void {
    for (const { conversationId, ...message } of messages) {
      let thread = this.threads.get(conversationId);
      if (!thread) {
        thread = new Map();
        this.threads.set(conversationId, thread);
      }
      thread.set(message.id, message);
      this.conversationOfMessage.set(message.id, conversationId);
    }
    if (messages.length > 0) this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
