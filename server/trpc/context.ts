import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import { authenticateRequest, type RequestAuth } from '../auth/authenticate-request.ts';
import { supabaseConfig } from '../auth/supabase-server-client.ts';
import type { Runtime } from '../runtime.ts';

export interface Context {
  db: Runtime['db'];
  runtime: Runtime;
  auth: RequestAuth;
}

export async function createContext(
  runtime: Runtime,
  { req, resHeaders }: FetchCreateContextFnOptions,
): Promise<Context> {
  const auth = await authenticateRequest(req, resHeaders, {
    ...supabaseConfig(runtime.env),
    verifier: runtime.verifier,
  });
  return { db: runtime.db, runtime, auth };
}
