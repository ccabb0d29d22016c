// The tRPC endpoint as a plain fetch handler (Request → Response), mounted by a Remix route.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { TRY_AGAIN_LATER } from '../errors.ts';
import type { Services } from '../services.ts';
import { appRouter } from './app.router.ts';
import { createContext } from './context.ts';

export const TRPC_ENDPOINT = '/api/trpc';

export function handleTrpcRequest(services: Services, request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    createContext: (options) => createContext(services, options),
    // A 503 (the database is away) says when to try again, as the REST endpoints do.
    responseMeta: ({ errors }) =>
      errors.some((error) => error.code === 'SERVICE_UNAVAILABLE') ? { headers: { ...TRY_AGAIN_LATER } } : {},
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
    },
  });
}
