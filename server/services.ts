// The long-lived services of one server process, built once from the environment.
import type PgBoss from 'pg-boss';
import { type AccessTokenVerifier, createAccessTokenVerifier } from './auth/access-token.ts';
import { createSessionStore, requireActiveSession, type SessionStore } from './auth/live-session.ts';
import { createSignInThrottle, type SignInThrottle } from './auth/sign-in-throttle.ts';
import { createTokenCipher, type TokenCipher } from './crypto/token-cipher.ts';
import { createDatabase, type Database } from './db/database.ts';
import { type Env, getEnv, webhookSecrets } from './env.ts';
import type { ApplyDeps, EnqueueIngest } from './ingest/index.ts';
import { createWebhookLedger } from './ingest/index.ts';
import { enqueue, QUEUES, startQueue } from './jobs/queue.ts';
import type { FacebookOAuthConfig } from './meta/facebook-oauth.ts';
import { createGraphClient, type GraphClient } from './meta/graph-client.ts';
import type { InstagramOAuthConfig } from './meta/instagram-oauth.ts';
import type { WebhookEndpointConfig, WebhookLedger } from './meta/webhook-endpoint.ts';
import { createLiveFeed, type LiveFeed } from './realtime/live-feed.ts';
import type { EnqueueSend, EnqueueSenderAction } from './sending/index.ts';

export interface Services {
  env: Env;
  db: Database;
  /** Verifies an access token and that its session has not ended. */
  verifier: AccessTokenVerifier;
  /** Auth's session store, for live streams that outlast the request that verified them. */
  sessions: SessionStore;
  signInThrottle: SignInThrottle;
  /** The queue, started on first use. */
  queue(): Promise<PgBoss>;
  /** Queues ingest of stored deliveries (in the caller's transaction). */
  enqueueIngest: EnqueueIngest;
  enqueueSend: EnqueueSend;
  enqueueSenderAction: EnqueueSenderAction;
  webhookLedger: WebhookLedger;
  webhookEndpoint: WebhookEndpointConfig;
  cipher: TokenCipher;
  graph: GraphClient;
  /** What ingest needs besides the database. */
  ingest: ApplyDeps;
  /** Instagram Login endpoints and app credentials. */
  instagramOAuth: InstagramOAuthConfig;
  /** Facebook Login (Page-linked accounts), when a Meta app is configured. */
  facebookOAuth: FacebookOAuthConfig | undefined;
  /** Wake-ups for the mobile live feed (one LISTEN connection, opened on first use). */
  liveFeed: LiveFeed;
  close(): Promise<void>;
}

export function createServices(env: Env): Services {
  const db = createDatabase({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE });
  let started: Promise<PgBoss> | undefined;
  const queue = () => {
    started ??= startQueue({
      url: env.DATABASE_URL,
      role: 'web',
      jobTimeoutSeconds: env.JOB_TIMEOUT_SECONDS,
    }).catch((error: unknown) => {
      started = undefined; // the next use tries again (the database may have been away)
      throw error;
    });
    return started;
  };
  const enqueueIngest: EnqueueIngest = async (trx, webhookEventIds) =>
    enqueue(await queue(), trx, QUEUES.ingestWebhookEvents, [{ webhookEventIds }]);
  const enqueueSend: EnqueueSend = async (trx, conversationId, startAfter) =>
    enqueue(await queue(), trx, QUEUES.sendMessages, [{ conversationId }], { startAfter });
  const liveFeed = createLiveFeed(env.DATABASE_URL);
  const sessions = createSessionStore(db);
  const enqueueSenderAction: EnqueueSenderAction = async (trx, job) =>
    enqueue(await queue(), trx, QUEUES.senderActions, [job]);
  return {
    env,
    db,
    enqueueIngest,
    enqueueSend,
    enqueueSenderAction,
    verifier: requireActiveSession(
      createAccessTokenVerifier({ supabaseUrl: env.SUPABASE_URL, jwtSecret: env.SUPABASE_JWT_SECRET }),
      sessions,
    ),
    sessions,
    signInThrottle: createSignInThrottle(db),
    queue,
    webhookLedger: createWebhookLedger(db, enqueueIngest),
    webhookEndpoint: {
      verifyToken: env.INSTAGRAM_VERIFY_TOKEN,
      secrets: webhookSecrets(env),
      maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
    },
    cipher: createTokenCipher(env.TOKEN_ENCRYPTION_KEYS),
    graph: createGraphClient({
      instagramGraphUrl: env.INSTAGRAM_GRAPH_URL,
      facebookGraphUrl: env.FACEBOOK_GRAPH_URL,
      version: env.GRAPH_API_VERSION,
      timeoutMs: env.GRAPH_TIMEOUT_MS,
    }),
    instagramOAuth: {
      oauthUrl: env.INSTAGRAM_OAUTH_URL,
      apiUrl: env.INSTAGRAM_API_URL,
      graphUrl: env.INSTAGRAM_GRAPH_URL,
      appId: env.INSTAGRAM_APP_ID,
      appSecret: env.INSTAGRAM_APP_SECRET,
    },
    facebookOAuth:
      env.META_APP_ID && env.META_APP_SECRET
        ? {
            oauthUrl: env.FACEBOOK_OAUTH_URL,
            appId: env.META_APP_ID,
            appSecret: env.META_APP_SECRET,
            version: env.GRAPH_API_VERSION,
          }
        : undefined,
    ingest: {
      enqueueEnrichment: async (trx, contact) => enqueue(await queue(), trx, QUEUES.enrichContact, [contact]),
    },
    liveFeed,
    async close() {
      await liveFeed.close();
      if (started) await (await started).stop({ graceful: false });
      await db.destroy();
    },
  };
}

/**
 * Closes the services as a process exits, waiting at most `boundMs`: work that could not finish
 * (stuck on a lock or a slow call) still holds a connection, which closing would wait for. The
 * process ends its transactions by exiting; what they were doing is retried elsewhere.
 */
export async function closeBeforeExit(services: Services, boundMs = 1000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    services.close(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, boundMs);
    }),
  ]);
  clearTimeout(timer);
}

// One set of services per process, even when this module is evaluated again: the dev server (Vite)
// re-evaluates server modules on a full reload. (The Remix server bundle imports server/ from
// source, so the production server has one copy.)
const SHARED = Symbol.for('instagram-inbox.services');
const registry = globalThis as { [SHARED]?: Services };

export function getServices(): Services {
  registry[SHARED] ??= createServices(getEnv());
  return registry[SHARED];
}
