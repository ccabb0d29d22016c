// The one reader of process.env. Parsed once; a missing or invalid variable stops the process
// with a message that names it.
import { z } from 'zod';
import { type KeyRing, parseKeyRing } from './crypto/token-cipher.ts';

/** See JOB_TIMEOUT_SECONDS. */
export const DEFAULT_JOB_TIMEOUT_SECONDS = 8;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// connection string' }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** The Supabase project URL; Auth is served under /auth/v1 and Realtime under /realtime/v1. */
  SUPABASE_URL: httpUrl,
  /** The project's anon or publishable key (public: it is sent to browsers). */
  SUPABASE_ANON_KEY: z.string().min(20, 'must be the project anon/publishable key'),
  /**
   * Only for projects still on the legacy shared JWT secret (HS256). Projects with asymmetric
   * signing keys are verified against the project's JWKS and need nothing here.
   */
  SUPABASE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),

  /** The Instagram app (Instagram API with Instagram Login) from Meta's App Dashboard. */
  INSTAGRAM_APP_ID: z.string().regex(/^\d+$/, 'must be the numeric Instagram app id'),
  INSTAGRAM_APP_SECRET: z.string().min(16, 'must be the Instagram app secret'),
  /** The token Meta echoes when verifying the webhook URL (alias: NEXT_PUBLIC_INSTAGRAM_VERIFY_TOKEN). */
  INSTAGRAM_VERIFY_TOKEN: z.string().min(16, 'must be at least 16 characters (generate a random one)'),
  /** The Meta app's secret, for accounts connected through Facebook Login. */
  META_APP_SECRET: z.string().min(16, 'must be the Meta app secret').optional(),
  /** The app's public URL; OAuth redirects come back to `${APP_URL}/api/instagram/oauth/callback`. */
  APP_URL: httpUrl,
  /** The Meta app's id, for connecting accounts through Facebook Login. */
  META_APP_ID: z.string().regex(/^\d+$/, 'must be the numeric Meta app id').optional(),
  INSTAGRAM_OAUTH_URL: httpUrl.default('https://www.instagram.com'),
  INSTAGRAM_API_URL: httpUrl.default('https://api.instagram.com'),
  FACEBOOK_OAUTH_URL: httpUrl.default('https://www.facebook.com'),
  INSTAGRAM_GRAPH_URL: httpUrl.default('https://graph.instagram.com'),
  FACEBOOK_GRAPH_URL: httpUrl.default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.0$/, 'must look like v25.0')
    .default('v25.0'),
  /** How long a Graph call may take; a send that times out is left UNCERTAIN, never re-sent. */
  GRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** Meta's Send API limits per Instagram account (§5.6): text, links and reactions; audio and video. */
  SEND_TEXT_PER_SECOND: z.coerce.number().positive().max(300).default(100),
  SEND_MEDIA_PER_SECOND: z.coerce.number().positive().max(100).default(10),
  /**
   * Calls per Instagram account per second for importing history from the Conversations API,
   * which allows 2 (reference §7): the rest is left for the operator's own use of the account.
   */
  HISTORY_CALLS_PER_SECOND: z.coerce.number().positive().max(1000).default(1.5),
  /** How long POST /api/instagram/messages/send waits for Meta's answer before replying 202. */
  SEND_REST_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
  /**
   * Keys that encrypt OAuth tokens at rest: "id:base64(32 bytes)[,older-id:…]". The first key
   * encrypts; the others still decrypt until `npm run tokens:rotate` has re-encrypted everything.
   */
  TOKEN_ENCRYPTION_KEYS: z.string().transform((spec, ctx): KeyRing => {
    try {
      return parseKeyRing(spec);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  /**
   * A running job (or a reply being sent) whose worker has not renewed it for this long is
   * presumed dead (the worker crashed) and handed to another worker. Workers renew theirs every
   * quarter of it, so it bounds how long a crash holds work back, not how long work may take.
   */
  JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(2).max(3600).default(DEFAULT_JOB_TIMEOUT_SECONDS),
  /**
   * How many reverse proxies in front of the app append to X-Forwarded-For (a load balancer, a
   * CDN): the client's address is the one that many hops from the right. 0 (the default) trusts
   * no header and takes the connection's address. Too high a number lets a client choose its own
   * address, and with it its sign-in throttle.
   */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * Whether a starting worker queues the jobs that run at start: the reconciliation of every
   * connected account with Meta, since webhooks are most likely missed around a deploy or an
   * outage. On by default; the tests of other things turn it off.
   */
  RUN_JOBS_AT_START: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * Push notifications (decision 024). Each provider is used only when configured; the base URLs
   * default to the real services and point at the local stand-in under `npm start` and tests.
   * Expo's push service needs no credentials (an access token only when the Expo project enforces
   * one).
   */
  PUSH_EXPO_URL: httpUrl.default('https://exp.host'),
  PUSH_EXPO_ACCESS_TOKEN: z.string().min(20, 'must be an Expo access token').optional(),
  /** Firebase Cloud Messaging (HTTP v1): the service account's JSON key, as downloaded. */
  PUSH_FCM_SERVICE_ACCOUNT: z.string().min(2, 'must be the service account JSON').optional(),
  PUSH_FCM_URL: httpUrl.default('https://fcm.googleapis.com'),
  /** Where the service account's signed assertion is exchanged for an access token. */
  PUSH_FCM_TOKEN_URL: httpUrl.default('https://oauth2.googleapis.com/token'),
  /** APNs token-based authentication: the .p8 key's id, its PEM and the team that owns it. */
  PUSH_APNS_KEY_ID: z
    .string()
    .regex(/^[A-Z0-9]{10}$/, 'must be the 10-character APNs key id')
    .optional(),
  PUSH_APNS_TEAM_ID: z
    .string()
    .regex(/^[A-Z0-9]{10}$/, 'must be the 10-character Apple team id')
    .optional(),
  PUSH_APNS_PRIVATE_KEY: z
    .string()
    .includes('PRIVATE KEY', { error: 'must be the .p8 key in PEM form' })
    .transform((pem) => pem.replaceAll('\\n', '\n'))
    .optional(),
  /** https://api.push.apple.com, or https://api.sandbox.push.apple.com for development builds. */
  PUSH_APNS_URL: httpUrl.default('https://api.push.apple.com'),
  /** Web Push (VAPID, RFC 8292): the key pair in base64url, and a contact for push services. */
  PUSH_VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/, 'must be an uncompressed P-256 public key in base64url')
    .optional(),
  PUSH_VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a P-256 private key in base64url')
    .optional(),
  PUSH_VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, 'must be a mailto: address or an https URL')
    .optional(),
  /**
   * The push services a browser's subscription may point at (the server POSTs to it): origins,
   * with `*.` for any subdomain. Defaults to the services of Chrome, Edge, Firefox and Safari.
   */
  PUSH_WEB_ENDPOINT_ORIGINS: z
    .string()
    .default(
      'https://fcm.googleapis.com,https://updates.push.services.mozilla.com,https://*.notify.windows.com,https://web.push.apple.com',
    )
    .transform((list, ctx) => {
      const origins = list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const origin of origins) {
        if (!/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i.test(origin)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${origin}" must be an origin like https://push.example`,
          });
        }
      }
      return origins;
    }),
  /** How long one call to a push service may take; one that times out is not repeated. */
  PUSH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Meta batches up to 1000 events per POST; anything far larger is not Meta. */
  WEBHOOK_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
});

export type Env = z.infer<typeof EnvSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "not set": `FOO=` in a shell or .env file must not count as a value.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  // The seed guide's name for the verify token is accepted as an alias.
  present.INSTAGRAM_VERIFY_TOKEN ??= present.NEXT_PUBLIC_INSTAGRAM_VERIFY_TOKEN;
  const result = EnvSchema.safeParse(present);
  if (result.success) return result.data;
  throw new EnvError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return issue.code === 'invalid_type' && present[name] === undefined
        ? `${name} is required but not set`
        : `${name} ${issue.message}`;
    }),
  );
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Every secret Meta may sign a webhook with. */
export function webhookSecrets(env: Env): string[] {
  return env.META_APP_SECRET ? [env.INSTAGRAM_APP_SECRET, env.META_APP_SECRET] : [env.INSTAGRAM_APP_SECRET];
}
