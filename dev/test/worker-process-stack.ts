// The world of a test that kills worker processes mid-call: a test database, the Meta simulator,
// the app's services in the test's own process (to queue and read), workers started as processes
// of their own (so a test can SIGKILL one while Meta answers it), and a webhook endpoint the test
// can shut (Meta then retries, as it does after a failed delivery). With `operators`, Supabase
// Auth and the tRPC API as well, for tests that send as an operator does.
import type { ChildProcess } from 'node:child_process';
import { parseEnv } from '#server/env.ts';
import { receiveDelivery } from '#server/meta/webhook-endpoint.ts';
import { createServices, type Services } from '#server/services.ts';
import { handleTrpcRequest } from '#server/trpc/handler.ts';
import { newMetaAppCredentials } from '../meta/app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from '../meta/simulator.ts';
import { startReadyWorker, startWorkerProcess } from '../processes.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from '../supabase/server.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { testEnvVars } from './env.ts';
import { type ServedHandler, serveFetch } from './serve-fetch.ts';

export interface WorkerProcessStack {
  database: TestDatabase;
  meta: MetaSimulator;
  services: Services;
  supabase: SupabaseStandIn | undefined;
  /** The tRPC API, with `operators`. */
  api: ServedHandler | undefined;
  /** Webhooks are refused (503) while shut. */
  webhooks: { open(): void; shut(): void };
  /** A worker process; `ready`: once it has started its queues. Killed when the stack stops. */
  startWorker(options?: { ready?: boolean }): Promise<ChildProcess>;
  stop(): Promise<void>;
}

export async function startWorkerProcessStack(options: {
  /** How often Meta retries a refused webhook (the gate stays shut that long at most). */
  retryDelaysMs: number[];
  webhooksOpen: boolean;
  operators?: boolean;
  /** More of the app's environment (the push stand-in's, say). */
  env?: Record<string, string>;
}): Promise<WorkerProcessStack> {
  const database = await createTestDatabase();
  const supabase = options.operators
    ? await startSupabaseStandIn({ databaseUrl: database.superuserUrl })
    : undefined;
  const app = newMetaAppCredentials();
  const meta = await startMetaSimulator({
    app,
    delivery: { batchWindowMs: 5, retryDelaysMs: options.retryDelaysMs },
  });
  const env = testEnvVars(
    database,
    supabase,
    {
      INSTAGRAM_GRAPH_URL: meta.instagramGraphUrl,
      FACEBOOK_GRAPH_URL: meta.facebookGraphUrl,
      // No call should time out on a busy machine; the slow answers tests arrange are killed first.
      GRAPH_TIMEOUT_MS: '30000',
      ...options.env,
    },
    app,
  );
  const services = createServices(parseEnv(env));
  let open = options.webhooksOpen;
  const webhook = await serveFetch(async (request) =>
    open
      ? receiveDelivery(request, services.webhookEndpoint, services.webhookLedger)
      : new Response('unavailable', { status: 503 }),
  );
  meta.setWebhookUrl(`${webhook.url}/api/instagram/webhook`);
  const api = options.operators
    ? await serveFetch((request) => handleTrpcRequest(services, request))
    : undefined;
  const children: ChildProcess[] = [];
  return {
    database,
    meta,
    services,
    supabase,
    api,
    webhooks: {
      open: () => {
        open = true;
      },
      shut: () => {
        open = false;
      },
    },
    async startWorker({ ready = true } = {}) {
      const workerEnv = { ...process.env, ...env };
      const child = ready ? await startReadyWorker(workerEnv) : startWorkerProcess(workerEnv, 'ignore');
      children.push(child);
      return child;
    },
    async stop() {
      for (const child of children) child.kill('SIGKILL');
      await meta.stop();
      await webhook.close();
      await api?.close();
      await services.close();
      await supabase?.stop();
      await database.drop();
    },
  };
}
