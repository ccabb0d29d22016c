// One LISTEN connection per server process for the live feed: subscribers of a workspace are
// woken when a transaction that changed it commits. The connection is opened on first use and
// comes back by itself if it drops; every subscriber is then woken to re-read, so nothing
// committed meanwhile is missed.
import { type Listener, startListener } from '../db/listener.ts';
import { LIVE_FEED_CHANNEL } from './topics.ts';

export interface LiveFeed {
  /** Calls `wake` after every commit that touched the workspace; returns the unsubscribe. */
  subscribe(workspaceId: string, wake: () => void): Promise<() => void>;
  close(): Promise<void>;
}

export function createLiveFeed(databaseUrl: string): LiveFeed {
  const wakers = new Map<string, Set<() => void>>();
  let listening: Promise<Listener> | undefined;

  function listen(): Promise<Listener> {
    listening ??= startListener({
      url: databaseUrl,
      channel: LIVE_FEED_CHANNEL,
      name: 'inbox-live-feed',
      onNotification: (workspaceId) => {
        for (const wake of wakers.get(workspaceId) ?? []) wake();
      },
      onReconnect: () => {
        for (const set of wakers.values()) for (const wake of set) wake();
      },
    }).catch((error) => {
      listening = undefined; // the next subscriber tries again
      throw error;
    });
    return listening;
  }

  return {
    async subscribe(workspaceId, wake) {
      await listen();
      const set = wakers.get(workspaceId) ?? new Set();
      set.add(wake);
      wakers.set(workspaceId, set);
      return () => {
        set.delete(wake);
        if (set.size === 0) wakers.delete(workspaceId);
      };
    },
    async close() {
      const listener = await listening?.catch(() => undefined);
      listening = undefined;
      await listener?.close();
    },
  };
}

/** What a loop waiting on a workspace's changes needs: see watchWorkspace. */
export interface WorkspaceWatch {
  /**
   * Resolves when the workspace has changed since the last call (at once if it already has), or
   * after `ms`, or on interrupt(): whichever comes first. The change is then taken: the caller's
   * next read covers it.
   */
  nextChange(ms: number): Promise<void>;
  /** Ends a wait now (the request went away). */
  interrupt(): void;
  close(): void;
}

/** Subscribes to a workspace's changes; subscribe before acting, so no change slips in between. */
export async function watchWorkspace(feed: LiveFeed, workspaceId: string): Promise<WorkspaceWatch> {
  let changed = false;
  let wake = () => {};
  const close = await feed.subscribe(workspaceId, () => {
    changed = true;
    wake();
  });
  return {
    async nextChange(ms) {
      if (!changed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, ms));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      changed = false;
    },
    interrupt: () => wake(),
    close,
  };
}
