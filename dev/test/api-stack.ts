// The typed API over real HTTP for database tests: a fresh database, the Supabase Auth stand-in,
// the services and the tRPC handler on a free port. Clients call it as a mobile app does, with the
// operator's bearer token.
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createServices, type Services } from '#server/services.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';
import { handleTrpcRequest } from '#server/trpc/handler.ts';
import type { MetaAppCredentials } from '../meta/app-credentials.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from '../supabase/server.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { testEnv } from './env.ts';
import type { TestOperator } from './operators.ts';
import { type ServedHandler, serveFetch } from './serve-fetch.ts';

export interface ApiStack {
  database: TestDatabase;
  supabase: SupabaseStandIn;
  services: Services;
  api: ServedHandler;
  stop(): Promise<void>;
}

/** `env` adds variables (e.g. the Meta simulator's Graph URLs); `metaApp` is the app Meta signs for. */
export async function startApiStack(
  options: { env?: Record<string, string>; metaApp?: MetaAppCredentials } = {},
): Promise<ApiStack> {
  const database = await createTestDatabase();
  const supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  const services = createServices(testEnv(database, supabase, options.env, options.metaApp));
  const api = await serveFetch((request) => handleTrpcRequest(services, request));
  return {
    database,
    supabase,
    services,
    api,
    async stop() {
      await api.close();
      await services.close();
      await supabase.stop();
      await database.drop();
    },
  };
}

/** A client of `api` that sends `headers` on every call. */
export function apiClient(api: ServedHandler, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${api.url}/api/trpc`, headers })] });
}

/** The operator's client, as their mobile app would hold it. */
export const operatorClient = (api: ServedHandler, operator: TestOperator) =>
  apiClient(api, { Authorization: `Bearer ${operator.session.access_token}` });

/** The error a call was refused with; throws when the call succeeded. */
export async function apiRefusal(call: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to be refused');
}
