import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import { authenticateRequest, type RequestAuth } from '../auth/authenticate-request.ts';
import type { Services } from '../services.ts';

export interface Context {
  db: Services['db'];
  services: Services;
  auth: RequestAuth;
}

export async function createContext(
  services: Services,
  { req, resHeaders }: FetchCreateContextFnOptions,
): Promise<Context> {
  // The token only: each procedure checks the session together with its own access (init.ts).
  const auth = await authenticateRequest(req, resHeaders, { ...services, verifier: services.tokens });
  return { db: services.db, services, auth };
}
