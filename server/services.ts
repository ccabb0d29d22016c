// The composition root: the long-lived services of one server process, built once from the
// environment. Routes, routers and jobs are handed this object and take what they need from it
// (each declares the part it uses as a Pick of Services), so nothing is wired by hand elsewhere.
import type PgBoss from 'pg-boss';
import type { z } from 'zod';
import { refreshTokensJob } from './accounts/index.ts';
import { type AccessTokenVerifier, createAccessTokenVerifier } from './auth/access-token.ts';
import { createSessionStore, requireActiveSession, type SessionStore } from './auth/live-session.ts';
import { createSignInThrottle, type SignInThrottle } from './auth/sign-in-throttle.ts';
import { type SupabaseConfig, supabaseConfig } from './auth/supabase-server-client.ts';
import { fetchMediaJob } from './comments/index.ts';
import { createTokenCipher, type TokenCipher } from './crypto/token-cipher.ts';
import { createDatabase, type Database } from './db/database.ts';
import { type Env, getEnv, webhookSecrets } from './env.ts';
import { type WebhookSelfTestConfig, webhookSelfTestConfig } from './health/index.ts';
import { importHistoryJob, reconcileAccountsJob } from './history/index.ts';
import { createWebhookLedger, enrichContactJob, ingestWebhookEventsJob } from './ingest/index.ts';
import type { Enqueue, JobDefinition } from './jobs/job.ts';
import { createEnqueue, startQueue } from './jobs/queue.ts';
import { createRateLimiter, type RateLimiter } from './jobs/rate-limiter.ts';
import type { FacebookOAuthConfig } from './meta/facebook-oauth.ts';
import { createGraphClient, type GraphClient } from './meta/graph-client.ts';
import type { InstagramOAuthConfig } from './meta/instagram-oauth.ts';
import type { WebhookEndpointConfig, WebhookLedger } from './meta/webhook-endpoint.ts';
import {
  createPushSenders,
  expoReceiptsJob,
  notifyNewMessageJob,
  type PushSenders,
  pruneDeliveriesJob,
} from './push/index.ts';
import { createLiveFeed, type LiveFeed } from './realtime/live-feed.ts';
import { purgeExpiredJob } from './retention/index.ts';
import { resendDeadLettersJob, type SendLimits, senderActionJob, sendMessagesJob } from './sending/index.ts';

/** Every job the workers run; every process creates their queues. */
export const JOBS: readonly JobDefinition<Services, z.ZodType>[] = [
  ingestWebhookEventsJob,
  enrichContactJob,
  fetchMediaJob,
  sendMessagesJob,
  senderActionJob,
  refreshTokensJob,
  resendDeadLettersJob,
  importHistoryJob,
  reconcileAccountsJob,
  purgeExpiredJob,
  notifyNewMessageJob,
  expoReceiptsJob,
  pruneDeliveriesJob,
];

/** Profile lookups per Instagram account per second: a small share of Meta's budget. */
const PROFILE_LOOKUPS_PER_SECOND = 5;

export interface Services {
  env: Env;
  db: Database;
  /** Verifies an access token and that its session has not ended. */
  verifier: AccessTokenVerifier;
  /**
   * Verifies an access token only: for tRPC, whose procedures check the session in the same query
   * as their own access (server/trpc/init.ts).
   */
  tokens: AccessTokenVerifier;
  /** Where Supabase Auth is, for the request-bound client that reads session cookies. */
  supabase: SupabaseConfig;
  /** Auth's session store: for tRPC procedures, and live streams that outlast their request. */
  sessions: SessionStore;
  signInThrottle: SignInThrottle;
  /** The queue, started on first use. */
  queue(): Promise<PgBoss>;
  /** Queues a job in the caller's transaction. */
  enqueue: Enqueue;
  webhookLedger: WebhookLedger;
  webhookEndpoint: WebhookEndpointConfig;
  webhookSelfTest: WebhookSelfTestConfig;
  cipher: TokenCipher;
  graph: GraphClient;
  /** Our Meta app ids: Meta lists every app subscribed to a Page, ours among them. */
  metaAppIds: readonly string[];
  /** Instagram Login endpoints and app credentials. */
  instagramOAuth: InstagramOAuthConfig;
  /** Facebook Login (Page-linked accounts), when a Meta app is configured. */
  facebookOAuth: FacebookOAuthConfig | undefined;
  /** Send API calls per account per second that replies may use. */
  sendLimits: SendLimits;
  /**
   * How long a claim on a message being sent lasts unless renewed: a run silent for this long is
   * presumed dead, and the conversation's next run settles its message and goes on.
   */
  claimTtlMs: number;
  /** Profile lookups' share of Meta's budget, per Instagram account (per process). */
  profileLookups: RateLimiter;
  /** Conversations API calls per account: history imports keep to this share of Meta's limit. */
  historyCalls: RateLimiter;
  /** Wake-ups for the mobile live feed (one LISTEN connection, opened on first use). */
  liveFeed: LiveFeed;
  /** The push services configured (Expo, FCM, APNs, Web Push): the push job's senders. */
  push: PushSenders;
  close(): Promise<void>;
}

export function createServices(env: Env): Services {
  const db = createDatabase({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE });
  let started: Promise<PgBoss> | undefined;
  const queue = () => {
    started ??= startQueue({
      url: env.DATABASE_URL,
      jobs: JOBS,
      role: 'web',
      jobTimeoutSeconds: env.JOB_TIMEOUT_SECONDS,
    }).catch((error: unknown) => {
      started = undefined; // the next use tries again (the database may have been away)
      throw error;
    });
    return started;
  };
  const enqueue = createEnqueue(queue);
  const liveFeed = createLiveFeed(env.DATABASE_URL);
  const sessions = createSessionStore(db);
  const tokens = createAccessTokenVerifier({
    supabaseUrl: env.SUPABASE_URL,
    jwtSecret: env.SUPABASE_JWT_SECRET,
  });
  const push = createPushSenders(env);
  return {
    env,
    db,
    verifier: requireActiveSession(tokens, sessions),
    tokens,
    supabase: supabaseConfig(env),
    sessions,
    signInThrottle: createSignInThrottle(db),
    queue,
    enqueue,
    webhookLedger: createWebhookLedger({ db, enqueue }),
    webhookEndpoint: {
      verifyToken: env.INSTAGRAM_VERIFY_TOKEN,
      secrets: webhookSecrets(env),
      maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
    },
    webhookSelfTest: webhookSelfTestConfig(env),
    cipher: createTokenCipher(env.TOKEN_ENCRYPTION_KEYS),
    graph: createGraphClient({
      instagramGraphUrl: env.INSTAGRAM_GRAPH_URL,
      facebookGraphUrl: env.FACEBOOK_GRAPH_URL,
      version: env.GRAPH_API_VERSION,
      timeoutMs: env.GRAPH_TIMEOUT_MS,
    }),
    metaAppIds: [env.INSTAGRAM_APP_ID, ...(env.META_APP_ID ? [env.META_APP_ID] : [])],
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
    sendLimits: { textPerSecond: env.SEND_TEXT_PER_SECOND, mediaPerSecond: env.SEND_MEDIA_PER_SECOND },
    claimTtlMs: env.JOB_TIMEOUT_SECONDS * 1000,
    profileLookups: createRateLimiter({ perSecond: PROFILE_LOOKUPS_PER_SECOND }),
    historyCalls: createRateLimiter({ perSecond: env.HISTORY_CALLS_PER_SECOND, burst: 1 }),
    liveFeed,
    push,
    async close() {
      await liveFeed.close();
      await push.close();
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
