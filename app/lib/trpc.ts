// The browser's typed API client: same-origin, so the Supabase session cookie authenticates it.
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '#server/trpc/app.router.ts';
import { resyncAfterOutage, retryWhileUnavailable } from './resync-after-outage.ts';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * Calls made together go as one request, answered when the slowest of them is done; a call with
 * `context: { unbatched: true }` goes alone (a live message waiting to be shown, live-thread.ts).
 */
export function createBrowserTrpcClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.context.unbatched === true,
        true: httpLink({ url: '/api/trpc' }),
        false: httpBatchLink({ url: '/api/trpc' }),
      }),
    ],
  });
}

export function createQueryClient() {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: { staleTime: 10_000, refetchOnWindowFocus: true, retry: retryWhileUnavailable },
    },
  });
  resyncAfterOutage(queryClient); // for the client's whole life, as the page's
  return queryClient;
}
