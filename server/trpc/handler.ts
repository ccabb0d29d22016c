// The tRPC endpoint as a plain fetch handler (Request → Response), mounted by a Remix route.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Runtime } from '../runtime.ts';
import { appRouter } from './app.router.ts';
import { createContext } from './context.ts';

export const TRPC_ENDPOINT = '/api/trpc';

export function handleTrpcRequest(runtime: Runtime, request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    createContext: (options) => createContext(runtime, options),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
    },
  });
}
