// The app's copy of the inbox: conversations and the messages of the threads it has loaded, by
// id, whichever way they came (a page read, a catch-up with sync.changes, a fetch by id). Reads
// can return in either order, so a conversation keeps the state with the higher `version` (it
// counts the conversation's changes); a message is replaced by whatever was fetched last, since it is
// only ever fetched after the event that named it. No I/O here: the screens read it.
import type { RouterOutputs } from './api.ts';

export type Conversation = RouterOutputs['inbox']['listConversations']['items'][number];
export type Message = RouterOutputs['inbox']['conversation']['messages'][number];

export class InboxStore {
  private readonly conversations = new Map<string, Conversation>();
  /** Messages by conversation, then by id. */
  private readonly threads = new Map<string, Map<string, Message>>();
  private readonly conversationOfMessage = new Map<string, string>();
  private readonly listeners = new Set<() => void>();

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
    for (const id of this.threads.get(conversationId)?.keys() ?? []) this.conversationOfMessage.delete(id);
    this.threads.delete(conversationId);
    this.changed();
  }

  /** A page of a thread (inbox.conversation). */
  putThread(conversationId: string, page: { messages: Message[] }): void {
    this.putMessages(page.messages.map((message) => ({ ...message, conversationId })));
  }

  /** Messages with their conversation (messages.byIds, sync.changes). */
  putMessages(messages: (Message & { conversationId: string })[]): void {
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

  removeMessage(messageId: string): void {
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

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
