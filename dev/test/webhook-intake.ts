// Meta's side of webhook intake, for tests that drive the real endpoint: deliveries signed with
// the app secret and POSTed over HTTP, and a wait until ingest has worked through everything the
// ledger stored (read from the ledger and the queue, not guessed with a sleep).
import { randomBytes } from 'node:crypto';
import { startWorkers, type Workers } from '#server/jobs/worker.ts';
import { receiveDelivery } from '#server/meta/webhook-endpoint.ts';
import { signWebhookBody } from '#server/meta/webhook-signature.ts';
import { createRuntime, type Runtime } from '#server/runtime.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { testEnv } from './env.ts';
import { type ServedHandler, serveFetch } from './serve-fetch.ts';

/** One `entry` of a delivery: a business account and its `messaging` items. */
export interface WebhookEntry {
  id: string;
  messaging: unknown[];
  /** Meta's batch time; ingest goes by each item's own timestamp. */
  time?: number;
}

/** The JSON body Meta POSTs for Instagram messaging: any number of entries, each with its items. */
export function instagramDeliveryBody(entries: WebhookEntry[]): string {
  return JSON.stringify({
    object: 'instagram',
    entry: entries.map(({ id, messaging, time }) => ({ id, time: time ?? Date.now(), messaging })),
  });
}

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
    async ingested(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // A delivery is stored and its ingest job queued in one transaction, and the endpoint
        // answers only after that commit: once both counts are zero, ingest has seen everything.
        const { rows } = await database.query<{ waiting: string }>(
          `select (select count(*) from webhook_events where status = 'RECEIVED')
                + (select count(*) from pgboss.job
                    where name = 'ingest-webhook-events' and state in ('created', 'retry', 'active'))
             as waiting`,
        );
        if (Number(rows[0]?.waiting) === 0) return;
        if (Date.now() > deadline) throw new Error(`ingest did not finish within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** A test file's own database, the app's runtime and workers, and its webhook endpoint over HTTP. */
export interface IngestStack {
  database: TestDatabase;
  runtime: Runtime;
  workers: Workers;
  server: ServedHandler;
  intake: WebhookIntake;
  stop(): Promise<void>;
}

/** On a fresh test database, or on `database` (one arranged as an older release left it). */
export async function startIngestStack(existing?: TestDatabase): Promise<IngestStack> {
  const database = existing ?? (await createTestDatabase());
  const runtime = createRuntime(testEnv(database));
  const workers = await startWorkers(runtime);
  const server = await serveFetch((request) =>
    receiveDelivery(request, runtime.webhookEndpoint, runtime.webhookLedger),
  );
  const intake = webhookIntake({
    serverUrl: server.url,
    appSecret: runtime.env.INSTAGRAM_APP_SECRET,
    database,
  });
  return {
    database,
    runtime,
    workers,
    server,
    intake,
    async stop() {
      await server.close();
      await workers.stop();
      await runtime.close();
      await database.drop();
    },
  };
}

/** A random business account id (IG_ID), in Meta's 1784… form. */
export function newInstagramAccountId(): string {
  return `1784${randomBytes(6).readUIntBE(0, 6).toString().padStart(13, '0')}`;
}

/** A workspace of its own with one connected Instagram account, so tests never share counts. */
export async function connectInstagramAccount(
  database: Pick<TestDatabase, 'query'>,
  igId = newInstagramAccountId(),
): Promise<{ igId: string; workspaceId: string; connectionId: string }> {
  const { rows } = await database.query<{ w: string; c: string }>(
    `with w as (insert into workspaces (name) values ('Shop') returning id)
     insert into channel_connections (workspace_id, login_path, channel_identifier, display_name)
     select id, 'instagram', $1, '@shop' from w returning workspace_id as w, id as c`,
    [igId],
  );
  const row = rows[0];
  if (!row) throw new Error('the connection was not stored');
  return { igId, workspaceId: row.w, connectionId: row.c };
}
