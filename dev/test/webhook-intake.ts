// Meta's side of webhook intake, for tests that drive the real endpoint: deliveries signed with
// the app secret and POSTed over HTTP, and a wait until ingest has worked through everything the
// ledger stored (read from the ledger and the queue, not guessed with a sleep).

import { receiveDelivery } from '#server/meta/webhook-endpoint.ts';
import { signWebhookBody } from '#server/meta/webhook-signature.ts';
import { createServices, type Services } from '#server/services.ts';
import { startWorkers, type Workers } from '#server/worker.ts';
import { connectInstagramAccount, newInstagramAccountId, waitForIngest } from '../intake-audit.ts';
import { instagramDeliveryBody, type WebhookEntry } from '../webhook-deliveries.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { testEnv } from './env.ts';
import { type ServedHandler, serveFetch } from './serve-fetch.ts';

// The shapes of a delivery and a connected account to send them to, for the tests that build their own.
export { connectInstagramAccount, instagramDeliveryBody, newInstagramAccountId, type WebhookEntry };

export interface WebhookIntake {
  /** POSTs a raw body signed as Meta signs it; returns the endpoint's response. */
  postSigned(body: string): Promise<Response>;
  /** POSTs the entries as one delivery and fails unless the endpoint stored it (200). */
  deliver(entries: WebhookEntry[]): Promise<void>;
  /** Resolves once no stored delivery waits for ingest and no ingest job is queued or running. */
  ingested(timeoutMs?: number): Promise<void>;
}

export function webhookIntake(options: {
  /** Base URL of the server that routes to the webhook endpoint. */
  serverUrl: string;
  appSecret: string;
  database: Pick<TestDatabase, 'query'>;
}): WebhookIntake {
  const { serverUrl, appSecret, database } = options;

  const postSigned = (body: string) =>
    fetch(`${serverUrl}/api/instagram/webhook`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Hub-Signature-256': signWebhookBody(body, appSecret),
      },
      body,
    });

  return {
    postSigned,
    async deliver(entries) {
      const response = await postSigned(instagramDeliveryBody(entries));
      if (response.status !== 200) {
        throw new Error(`the webhook endpoint answered ${response.status}: ${await response.text()}`);
      }
    },
    ingested: (timeoutMs = 10_000) => waitForIngest(database, { timeoutMs }),
  };
}

/** A test file's own database, the app's services and workers, and its webhook endpoint over HTTP. */
export interface IngestStack {
  database: TestDatabase;
  services: Services;
  workers: Workers;
  server: ServedHandler;
  intake: WebhookIntake;
  stop(): Promise<void>;
}

/** On a fresh test database, or on `database` (one arranged as an older release left it). */
export async function startIngestStack(existing?: TestDatabase): Promise<IngestStack> {
  const database = existing ?? (await createTestDatabase());
  const services = createServices(testEnv(database));
  const workers = await startWorkers(services);
  const server = await serveFetch((request) =>
    receiveDelivery(request, services.webhookEndpoint, services.webhookLedger),
  );
  const intake = webhookIntake({
    serverUrl: server.url,
    appSecret: services.env.INSTAGRAM_APP_SECRET,
    database,
  });
  return {
    database,
    services,
    workers,
    server,
    intake,
    async stop() {
      await server.close();
      await workers.stop();
      await services.close();
      await database.drop();
    },
  };
}
