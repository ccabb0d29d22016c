// The whole intake against the Meta simulator, in the test's process: a test database, the
// simulator (its Conversations API unthrottled unless asked), the app's services and workers,
// the webhook endpoint over real HTTP, which the simulator delivers to, and the tRPC API. History imports run
// unthrottled too, so tests of what is imported need not wait for Meta's pace.

import { receiveDelivery } from '#server/meta/webhook-endpoint.ts';
import { createServices, type Services } from '#server/services.ts';
import { handleTrpcRequest } from '#server/trpc/handler.ts';
import { startWorkers, type Workers } from '#server/worker.ts';
import { newMetaAppCredentials } from '../meta/app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from '../meta/simulator.ts';
import type { DeliveryOptions } from '../meta/webhook-delivery.ts';
import type { SupabaseStandIn } from '../supabase/server.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { testEnv } from './env.ts';
import { type ServedHandler, serveFetch } from './serve-fetch.ts';

export interface SimulatorIntake {
  database: TestDatabase;
  meta: MetaSimulator;
  services: Services;
  workers: Workers;
  /** The webhook endpoint the simulator delivers to. */
  webhookUrl: string;
  /** When asked for: where operators sign in. */
  supabase: SupabaseStandIn | undefined;
  /** The tRPC API over HTTP, as operators' browsers and apps call it. */
  api: ServedHandler;
  stop(): Promise<void>;
}

export async function startSimulatorIntake(
  options: {
    delivery?: Partial<DeliveryOptions>;
    /** Operators sign in here (tests that act as one). */
    supabase?: (database: TestDatabase) => Promise<SupabaseStandIn>;
    /** More of the app's environment (the push stand-in's URLs and credentials, say). */
    env?: Record<string, string>;
  } = {},
): Promise<SimulatorIntake> {
  const database = await createTestDatabase();
  const supabase = await options.supabase?.(database);
  const app = newMetaAppCredentials();
  const meta = await startMetaSimulator({
    app,
    delivery: { batchWindowMs: 5, retryDelaysMs: [], ...options.delivery },
    conversationsPerSecond: 10_000,
  });
  const graph = { INSTAGRAM_GRAPH_URL: meta.instagramGraphUrl, FACEBOOK_GRAPH_URL: meta.facebookGraphUrl };
  const services = createServices(
    testEnv(database, supabase, { ...graph, HISTORY_CALLS_PER_SECOND: '1000', ...options.env }, app),
  );
  const workers = await startWorkers(services);
  const server: ServedHandler = await serveFetch((request) =>
    receiveDelivery(request, services.webhookEndpoint, services.webhookLedger),
  );
  const webhookUrl = `${server.url}/api/instagram/webhook`;
  meta.setWebhookUrl(webhookUrl);
  const api = await serveFetch((request) => handleTrpcRequest(services, request));
  return {
    database,
    supabase,
    meta,
    services,
    workers,
    webhookUrl,
    api,
    async stop() {
      await meta.stop();
      await api.close();
      await server.close();
      await workers.stop();
      await services.close();
      await supabase?.stop();
      await database.drop();
    },
  };
}
