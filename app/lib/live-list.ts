// Keeps the cached conversation lists current from live events by reading only the conversations
// a broadcast named (`inbox.listConversations` with `ids`, under each list's own tab and filters)
// and patching them in (list-cache.ts): a refetch read every loaded page again for each event.
// Names that come together are read together. A list whose patch cannot be trusted, or whose read
// failed, is refetched instead; a list not on screen is only marked stale.
import type { Query, QueryClient, QueryFilters } from '@tanstack/react-query';
import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '#server/trpc/app.router.ts';
import { type ListData, patchList } from './list-cache.ts';
import { whenIdle } from './when-idle.ts';

/** Sent on their own, not in a batch with other calls, whose answer they would wait for (trpc.ts). */
const LIVE_READ = { context: { unbatched: true } };

/** `inbox.listConversations` takes this many ids at a time. */
const IDS_LIMIT = 50;

type ListInput = Parameters<TRPCClient<AppRouter>['inbox']['listConversations']['query']>[0];

/** The list's own input (tab, filters, search), from its query key; its pages' cursors aside. */
function listInput(query: Query): ListInput {
  const [, key] = query.queryKey as [unknown, { input: ListInput & { direction?: unknown } }];
  const { cursor: _cursor, direction: _direction, ...input } = key.input;
  return input;
}

export function liveLists(queryClient: QueryClient, api: TRPCClient<AppRouter>, lists: QueryFilters) {
  let named = new Set<string>();
  let running = false;

  async function drain() {
    if (running || named.size === 0) return;
    const ids = [...named];
    named = new Set();
    running = true;
    try {
      await Promise.all(
        queryClient
          .getQueryCache()
          .findAll(lists)
          .map((query) => update(query, ids)),
      );
    } finally {
      running = false;
    }
    // What was named while these reads were under way.
    await drain();
  }

  async function update(query: Query, ids: string[]) {
    const exact = { queryKey: query.queryKey, exact: true };
    const refetch = () => queryClient.invalidateQueries(exact, { cancelRefetch: false });
    if (!query.isActive()) return refetch(); // marked stale: read when shown again
    try {
      const input = listInput(query);
      const reads = [];
      for (let at = 0; at < ids.length; at += IDS_LIMIT) {
        reads.push(
          api.inbox.listConversations.query({ ...input, ids: ids.slice(at, at + IDS_LIMIT) }, LIVE_READ),
        );
      }
      const rows = (await Promise.all(reads)).flatMap((page) => page.items);
      await whenIdle(queryClient, exact);
      let declined = false;
      queryClient.setQueryData<ListData>(query.queryKey, (data) => {
        if (!data) return data;
        const patched = patchList(data, ids, rows);
        declined = patched === null;
        return patched ?? data;
      });
      if (declined) await refetch();
    } catch {
      await refetch();
    }
  }

  return {
    /** Conversations a broadcast named: a message of theirs, or they themselves, changed. */
    named(ids: string[]) {
      for (const id of ids) named.add(id);
      // After the current task: broadcasts delivered together are read together.
      queueMicrotask(() => void drain());
    },
  };
}
