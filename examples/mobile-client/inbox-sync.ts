// Keeps the app's copy of a workspace's inbox (store.ts) current, from start to sign-out:
// - on start (or back in the foreground) with a saved position, it catches up with sync.changes
//   and resumes the live stream from its `next`; without one, the stream starts with
//   `resyncRequired`, which loads the first page;
// - it applies each live event: a conversation's new state when its `version` is higher, the
//   messages an event names fetched with messages.byIds (a batch of events, one call), a
//   conversation it does not hold by reading the list again, and on `resyncRequired` everything
//   shown read again;
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
  /** Between start() and stop(): the stream should run once the catch-up is done. */
  private foreground = false;

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
  async start(): Promise<CatchUpResult | null> {
    if (this.live.running) return null;
    this.foreground = true;
    if (this.savedPosition === null) {
      this.live.start(null);
      return null;
    }
    const result = await catchUp(
      this.options.api,
      {
        workspaceId: this.options.workspaceId,
        since: this.savedPosition,
        limit: this.options.pageSize?.catchUp,
      },
      (changes) => this.applyChanges(changes),
    );
    if (result.resyncRequired) await this.refetchShown();
    this.savePosition(result.next);
    // Sent to the background again meanwhile: the next start() goes on from here.
    if (this.foreground) this.live.start(result.next);
    return result;
  }

  /** To the background (or signing out): closes the stream once what came is applied. */
  stop(): Promise<void> {
    this.foreground = false;
    return this.live.stop();
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
    if (this.store.thread(notification.conversationId).length === 0) await pager.loadMore();
    if (!this.store.message(notification.messageId)) await this.fetchMessages([notification.messageId]);
    return pager;
  }

  /** Messages by id (what an event or a notification named) into the store. */
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

  private async applyEvents(received: LiveEnvelope[]): Promise<void> {
    let events = received;
    // What came before a resync is covered by reading again what is shown.
    let resync = -1;
    events.forEach((envelope, i) => {
      if (envelope.data.type === 'resyncRequired') resync = i;
    });
    if (resync >= 0) {
      await this.refetchShown();
      events = events.slice(resync + 1);
    }
    const messageIds = new Set<string>();
    const refetch = new Set<Refetch>();
    let unknownConversation = false;
    for (const { data: event } of events) {
      switch (event.type) {
        case 'messageCreated':
        case 'messageUpdated':
          messageIds.add(event.messageId);
          break;
        case 'conversationUpdated':
          if (this.store.applyConversationChange(event) === 'unknown') unknownConversation = true;
          break;
        case 'conversationDeleted':
          this.store.removeConversation(event.conversationId);
          this.threads.delete(event.conversationId);
          break;
        case 'leadCreated':
          refetch.add('leads');
          break;
        case 'connectionUpdated':
        case 'connectionDeleted':
          refetch.add('accounts');
          break;
        case 'teamUpdated':
          refetch.add('team');
          break;
        case 'historyImportUpdated':
          refetch.add('historyImports');
          break;
        default:
          // A type this version of the app does not know: newer servers may add some.
          break;
      }
    }
    if (messageIds.size > 0) await this.fetchMessages([...messageIds]);
    // A conversation the app has not loaded (a new customer): it is at the top of the list.
    if (unknownConversation) await this.conversations.reload();
    if (refetch.size > 0) this.options.onRefetch?.([...refetch]);
    this.options.onApplied?.(received);
  }

  private applyChanges(changes: Changes): void {
    for (const conversation of changes.conversations) this.store.putConversation(conversation);
    this.store.putMessages(changes.messages);
    for (const id of changes.deleted.conversationIds) this.store.removeConversation(id);
    for (const id of changes.deleted.messageIds) this.store.removeMessage(id);
    if (changes.refetch.length > 0) this.options.onRefetch?.(changes.refetch);
    this.savePosition(changes.next);
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
