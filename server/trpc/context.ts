import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import { authenticateRequest, type RequestAuth } from '../auth/authenticate-request.ts';
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
    supabaseUrl: runtime.env.SUPABASE_URL,
    anonKey: runtime.env.SUPABASE_ANON_KEY,
    verifier: runtime.verifier,
  });
  return { db: runtime.db, runtime, auth };
}
