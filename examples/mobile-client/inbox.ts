// The inbox's reads and writes: the conversation list and a thread, each a page at a time by the
// cursor the previous page returned; sending a reply; marking a conversation read. Each page goes
// into the app's copy (store.ts), where what the live stream and catch-up bring meets it.
import type { Api, RouterOutputs } from './api.ts';
import type { InboxStore } from './store.ts';

export type SentMessage = RouterOutputs['messages']['send'][number];

/** Pages of something, most recent first, fetched one after another with the server's cursor. */
export class Pager {
  private cursor: string | null = null;
  private started = false;
  private loading: Promise<void> | undefined;

  constructor(private readonly fetchPage: (cursor: string | null) => Promise<string | null>) {}

  /** Whether its first page has been loaded (since the last reload). */
  get loaded(): boolean {
    return this.started;
  }

  /** Whether another page may follow (before the first is loaded, too). */
  get hasMore(): boolean {
    return !this.started || this.cursor !== null;
  }

  /** The next page (the first, the first time); resolves to whether there is more. */
  loadMore(): Promise<boolean> {
    // Taps while one is loading load it once.
    this.loading ??= (async () => {
      if (!this.hasMore) return;
      this.cursor = await this.fetchPage(this.cursor);
      this.started = true;
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading.then(() => this.hasMore);
  }

  /** From the first page again (pull to refresh, a resync). */
  async reload(): Promise<boolean> {
    await this.loading?.catch(() => {});
    this.cursor = null;
    this.started = false;
    return this.loadMore();
  }
}

/** The workspace's conversations, most recent first, `limit` at a time. */
export function conversationList(api: Api, store: InboxStore, workspaceId: string, limit = 30): Pager {
  return new Pager(async (cursor) => {
    const page = await api.inbox.listConversations.query({ workspaceId, cursor, limit });
    for (const conversation of page.items) store.putConversation(conversation);
    return page.nextCursor;
  });
}

/** One conversation's messages, newest first, `limit` at a time (scrolling back through it). */
export function thread(
  api: Api,
  store: InboxStore,
  workspaceId: string,
  conversationId: string,
  limit = 50,
): Pager {
  return new Pager(async (cursor) => {
    const mark = store.mark();
    const page = await api.inbox.conversation.query({ workspaceId, conversationId, cursor, limit });
    store.putThread(conversationId, page, mark);
    return page.nextCursor;
  });
}

/**
 * Sends a reply. `idempotencyKey` belongs to what the operator wrote: make it when they tap
 * Send and keep it with the draft, so sending it again after a failure or a lost answer (same
 * key) never sends it twice. The reply comes back QUEUED; its progress to SENT (or FAILED) comes
 * over the live stream as `messageUpdated`.
 */
export function sendReply(
  api: Api,
  input: { workspaceId: string; conversationId: string; idempotencyKey: string; text: string },
): Promise<SentMessage[]> {
  // The thread shows it when the live stream names it (messageCreated): the app shows the draft
  // as "sending" until then.
  return api.messages.send.mutate(input);
}

/** Clears the conversation's unread count (and sends Instagram's seen mark if the workspace allows). */
export async function markRead(
  api: Api,
  input: { workspaceId: string; conversationId: string },
): Promise<{ seenSent: boolean }> {
  return api.inbox.markRead.mutate(input);
}
