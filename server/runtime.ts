// The long-lived services of one server process, built once from the environment.
import type PgBoss from 'pg-boss';
import { type AccessTokenVerifier, createAccessTokenVerifier } from './auth/access-token.ts';
import { createDatabase, type Database } from './db/database.ts';
import { type Env, getEnv, webhookSecrets } from './env.ts';
import { createWebhookLedger, type WebhookLedger } from './inbox/webhook-ledger.ts';
import { enqueue, QUEUES, startQueue } from './jobs/queue.ts';
import type { WebhookEndpointConfig } from './meta/webhook-endpoint.ts';

export interface Runtime {
  env: Env;
  db: Database;
  verifier: AccessTokenVerifier;
  /** The queue, started on first use. */
  queue(): Promise<PgBoss>;
  webhookLedger: WebhookLedger;
  webhookEndpoint: WebhookEndpointConfig;
  close(): Promise<void>;
}

export function createRuntime(env: Env): Runtime {
  const db = createDatabase({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE });
  let started: Promise<PgBoss> | undefined;
  const queue = () => {
    started ??= startQueue({ url: env.DATABASE_URL, role: 'web' });
    return started;
  };
  return {
    env,
    db,
    verifier: createAccessTokenVerifier({
      supabaseUrl: env.SUPABASE_URL,
      jwtSecret: env.SUPABASE_JWT_SECRET,
    }),
    queue,
    webhookLedger: createWebhookLedger(db, async (trx, webhookEventIds) =>
      enqueue(await queue(), trx, QUEUES.ingestWebhookEvents, [{ webhookEventIds }]),
    ),
    webhookEndpoint: {
      verifyToken: env.INSTAGRAM_VERIFY_TOKEN,
      secrets: webhookSecrets(env),
      maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
    },
    async close() {
      if (started) await (await started).stop({ graceful: false });
      await db.destroy();
    },
  };
}

let shared: Runtime | undefined;

export function getRuntime(): Runtime {
  shared ??= createRuntime(getEnv());
  return shared;
}
