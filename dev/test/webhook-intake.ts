// Meta's side of webhook intake, for tests that drive the real endpoint: deliveries signed with
// the app secret and POSTed over HTTP, and a wait until ingest has worked through everything the
// ledger stored (read from the ledger and the queue, not guessed with a sleep).
import { signWebhookBody } from '#server/meta/webhook-signature.ts';
import type { TestDatabase } from './database.ts';

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
