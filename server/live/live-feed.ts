// One LISTEN connection per server process for the live feed: subscribers of a workspace are
// woken when a transaction that changed it commits. The connection is opened on first use and
// re-opened if it drops (subscribers then re-read, so nothing is missed).
import pg from 'pg';

export const LIVE_FEED_CHANNEL = 'inbox_live';

export interface LiveFeed {
  /** Calls `wake` after every commit that touched the workspace; returns the unsubscribe. */
  subscribe(workspaceId: string, wake: () => void): Promise<() => void>;
  close(): Promise<void>;
}

export function createLiveFeed(databaseUrl: string): LiveFeed {
  const wakers = new Map<string, Set<() => void>>();
  let listening: Promise<pg.Client> | undefined;

  function wakeAll() {
    for (const set of wakers.values()) for (const wake of set) wake();
  }

  function listen(): Promise<pg.Client> {
    listening ??= (async () => {
      const client = new pg.Client({ connectionString: databaseUrl, application_name: 'inbox-live-feed' });
      client.on('notification', ({ payload }) => {
        for (const wake of wakers.get(payload ?? '') ?? []) wake();
      });
      client.on('error', (error) => {
        console.warn(`live feed: listener lost (${error.message}); reconnecting`);
        listening = undefined;
        wakeAll();
      });
      await client.connect();
      await client.query(`listen ${LIVE_FEED_CHANNEL}`);
      return client;
    })().catch((error) => {
      listening = undefined;
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
      const client = await listening?.catch(() => undefined);
      listening = undefined;
      await client?.end().catch(() => {});
    },
  };
}
