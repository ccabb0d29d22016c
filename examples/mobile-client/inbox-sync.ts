// Keeps the app's copy of a workspace's inbox (store.ts) current, from start to sign-out:
// - on start (or back in the foreground) with a saved position, it catches up with sync.changes
//   and resumes the live stream from its `next`; without one, the stream starts with
//   `resyncRequired`, which loads the first page;
// - each batch of live events is a doorbell: the events carry ids and a few states, not what
//   a screen shows (a conversation's last message, preview, assignee), so the batch is applied
//   by one catch-up with sync.changes from where the copy was last caught up, which returns what
//   changed since, whole: the conversations, the messages, what was deleted, which screens to
//   refetch. Event types this version does not know (newer servers add some) ring it the same way;
// - on `resyncRequired`, it reads again everything shown;
// - it tells the app where to resume from next time (`onPosition`), and which other screens to
//   refetch (`onRefetch`).
import type { Api } from './api.ts';
import { type CatchUpResult, type Changes, catchUp } from './catch-up.ts';
import { conversationList, type Pager, thread } from './inbox.ts';
import { type LiveEnvelope, type LiveStatus, LiveStream } from './live.ts';
import { InboxStore } from './store.ts';

export type Refetch = Changes['refetch'][number];

export interface InboxSyncOptions {
  api: Api;
  workspaceId: string;
  /** Gets a new access token when the stream's expired (Session.refresh). */
  refreshToken(): Promise<void>;
  /** Where a previous run stopped (what `onPosition` last gave): caught up from on start. */
  position?: string | null;
  /** Save it (AsyncStorage): the app resumes from here after being closed. */
  onPosition?(position: string): void;
  /** Other screens whose data changed: the accounts, leads, team or history imports. */
  onRefetch?(what: Refetch[]): void;
  onStatus?(status: LiveStatus): void;
  onReceived?(envelope: LiveEnvelope): void;
  /** After each batch of live events is applied to the store. */
  onApplied?(events: LiveEnvelope[]): void;
  reconnectDelayMs?(attempt: number): number;
  pageSize?: { conversations?: number; thread?: number; catchUp?: number };
}

const BY_IDS_LIMIT = 100;

export class InboxSync {
  readonly store = new InboxStore();
  readonly conversations: Pager;
  private readonly threads = new Map<string, Pager>();
  private readonly live: LiveStream;
  private readonly options: InboxSyncOptions;
  private savedPosition: string | null;
  /**
   * Where the copy is current to: the last catch-up's `next`, or the `resyncRequired` that had
   * what is shown read again. Each batch of events is caught up from here rather than from the
   * stream's position, which lags behind it (a catch-up reads past the events that rang for it),
   * so nothing is fetched twice. Kept in memory only: the app saves the stream's position.
   */
  private caughtUp: string | null = null;
  /** Between start() and stop(): the stream should run once the catch-up is done. */
  private foreground = false;
  /** The start() under way: another (the app back in front, a notification tapped) joins it. */
  private starting: Promise<CatchUpResult | null> | undefined;
  /** The last stop(): a start() waits for it to have applied what the stream had received. */
  private stopping: Promise<void> = Promise.resolve();

  constructor(options: InboxSyncOptions) {
    this.options = options;
    this.savedPosition = options.position ?? null;
    this.conversations = conversationList(
      options.api,
      this.store,
      options.workspaceId,
      options.pageSize?.conversations,
    );
    this.live = new LiveStream({
      api: options.api,
      workspaceId: options.workspaceId,
      from: this.savedPosition,
      apply: (events) => this.applyEvents(events),
      refreshToken: options.refreshToken,
      onPosition: (position) => this.savePosition(position),
      onStatus: options.onStatus,
      onReceived: options.onReceived,
      reconnectDelayMs: options.reconnectDelayMs,
    });
  }

  /** Where the app is: the last live event applied, or the last catch-up's `next`. */
  get position(): string | null {
    return this.savedPosition;
  }

  get status(): LiveStatus {
    return this.live.status;
  }

  /**
   * Starts, or comes back to the foreground: with a position, catches up first (resolving to
   * what that took) and streams from its `next`; without, streams from now.
   */
  start(): Promise<CatchUpResult | null> {
    this.foreground = true;
    // Two catch-ups at once would each save their own position, the later to finish last.
    this.starting ??= this.catchUpAndStream().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async catchUpAndStream(): Promise<CatchUpResult | null> {
    // A batch a stop() is still applying moves the position: catch up from after it.
    await this.stopping;
    if (this.live.running) return null;
    // Sent to the background again meanwhile: the next start() goes on from here.
    if (this.savedPosition === null) {
      if (this.foreground) this.live.start(null);
      return null;
    }
    const result = await this.catchUpFrom(this.savedPosition, (next) => this.savePosition(next));
    if (this.foreground) this.live.start(result.next);
    return result;
  }

  /** To the background (or signing out): closes the stream once what came is applied. */
  stop(): Promise<void> {
    this.foreground = false;
    this.stopping = this.live.stop();
    return this.stopping;
  }

  /** A thread on screen: its first page now, kept current by live events until closed. */
  openThread(conversationId: string): Pager {
    let pager = this.threads.get(conversationId);
    if (!pager) {
      pager = thread(
        this.options.api,
        this.store,
        this.options.workspaceId,
        conversationId,
        this.options.pageSize?.thread,
      );
      this.threads.set(conversationId, pager);
    }
    return pager;
  }

  closeThread(conversationId: string): void {
    this.threads.delete(conversationId);
  }

  /**
   * The operator tapped a notification (push.ts) of this workspace: catch up and stream as on
   * any start, then open the conversation, with the message it named in the store (fetched by
   * id if neither the catch-up nor the thread's first page brought it).
   */
  async openNotification(notification: { conversationId: string; messageId: string }): Promise<Pager> {
    await this.start();
    const pager = this.openThread(notification.conversationId);
    // Its first page, unless loaded: the catch-up put only what changed in the thread.
    if (!pager.loaded) await pager.loadMore();
    if (!this.store.message(notification.messageId)) await this.fetchMessages([notification.messageId]);
    return pager;
  }

  /** Messages by id (a notification's) into the store. */
  async fetchMessages(messageIds: string[]): Promise<void> {
    for (let i = 0; i < messageIds.length; i += BY_IDS_LIMIT) {
      const { messages, missing } = await this.options.api.messages.byIds.query({
        workspaceId: this.options.workspaceId,
        messageIds: messageIds.slice(i, i + BY_IDS_LIMIT),
      });
      this.store.putMessages(messages);
      // Gone since (unsent, erased, past retention).
      for (const id of missing) this.store.removeMessage(id);
    }
  }

  private async applyEvents(events: LiveEnvelope[]): Promise<void> {
    let resync = -1;
    events.forEach((envelope, i) => {
      if (envelope.data.type === 'resyncRequired') resync = i;
    });
    if (resync >= 0) {
      // What came before it is covered by reading again what is shown; what came after, from it.
      await this.refetchShown();
      this.caughtUp = (events[resync] as LiveEnvelope).id;
    }
    // Its `next` is not saved: the stream saves the batch's last id once this resolves.
    if (resync < events.length - 1) await this.catchUpFrom(this.caughtUp);
    this.options.onApplied?.(events);
  }

  /** sync.changes from `since` into the store, page by page; the copy is then current to its `next`. */
  private async catchUpFrom(since: string | null, onPage?: (next: string) => void): Promise<CatchUpResult> {
    const result = await catchUp(
      this.options.api,
      { workspaceId: this.options.workspaceId, since, limit: this.options.pageSize?.catchUp },
      (changes) => {
        this.applyChanges(changes);
        onPage?.(changes.next);
      },
    );
    if (result.resyncRequired) await this.refetchShown();
    this.caughtUp = result.next;
    return result;
  }

  private applyChanges(changes: Changes): void {
    for (const conversation of changes.conversations) this.store.putConversation(conversation);
    this.store.putMessages(changes.messages);
    for (const id of changes.deleted.conversationIds) {
      this.store.removeConversation(id);
      this.threads.delete(id);
    }
    for (const id of changes.deleted.messageIds) this.store.removeMessage(id);
    if (changes.refetch.length > 0) this.options.onRefetch?.(changes.refetch);
  }

  private async refetchShown(): Promise<void> {
    await this.conversations.reload();
    for (const pager of this.threads.values()) await pager.reload();
  }

  private savePosition(position: string): void {
    this.savedPosition = position;
    this.options.onPosition?.(position);
  }
}
