// The browser's own evidence that it may have missed live updates: the API answered that the
// database is away (SERVICE_UNAVAILABLE). Realtime does not always say so: hosted Realtime, once
// it reaches the database again, starts a new (temporary) replication slot, and what was broadcast
// before it was streaming again is never delivered, while joined channels hear nothing of it. So
// after such an answer, the first one that succeeds refetches everything on screen.
//
// Queries also keep trying while the database is away (with a growing wait, as react-query's
// default), instead of giving up after three attempts and showing an error until a reload.
import type { QueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';

export function isServiceUnavailable(error: unknown): boolean {
  return error instanceof TRPCClientError && error.data?.code === 'SERVICE_UNAVAILABLE';
}

/** react-query's `retry`: for as long as the service is unavailable, else three times. */
export function retryWhileUnavailable(failureCount: number, error: unknown): boolean {
  return isServiceUnavailable(error) || failureCount < 3;
}

/** Refetches all queries once the API answers again after an outage; returns the unsubscribe. */
export function resyncAfterOutage(queryClient: QueryClient): () => void {
  let missed = false;
  const answered = (error: unknown) => {
    if (isServiceUnavailable(error)) {
      missed = true;
    } else if (error === null && missed) {
      missed = false;
      void queryClient.invalidateQueries();
    }
  };
  const queries = queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== 'updated') return;
    if (event.action.type === 'failed' || event.action.type === 'error') answered(event.action.error);
    else if (event.action.type === 'success') answered(null);
  });
  const mutations = queryClient.getMutationCache().subscribe((event) => {
    if (event.type !== 'updated') return;
    if (event.action.type === 'error') answered(event.action.error);
    else if (event.action.type === 'success') answered(null);
  });
  return () => {
    queries();
    mutations();
  };
}
