import type { QueryClient, QueryFilters } from '@tanstack/react-query';

/**
 * Resolves once no query `filter` matches is fetching. A read under way (a refetch, an older page)
 * began from the cached pages as they were and would put them back over a patch made meanwhile,
 * so a patch waits for it.
 */
export function whenIdle(queryClient: QueryClient, filter: QueryFilters): Promise<void> {
  return new Promise((resolve) => {
    let unsubscribe = () => {};
    const check = () => {
      if (queryClient.isFetching(filter) > 0) return;
      unsubscribe();
      resolve();
    };
    unsubscribe = queryClient.getQueryCache().subscribe(check);
    check();
  });
}
