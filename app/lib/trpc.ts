// The browser's typed API client: same-origin, so the Supabase session cookie authenticates it.
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '#server/trpc/app.router.ts';
import { resyncAfterOutage, retryWhileUnavailable } from './resync-after-outage.ts';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export function createBrowserTrpcClient() {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: '/api/trpc' })] });
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
