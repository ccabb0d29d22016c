// The local stack the app runs on: embedded PostgreSQL with the shim and the real migrations,
// the Supabase stand-in in front of it, and the Meta simulator. Returns the environment the app
// reads, exactly the variables a hosted deployment sets.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { newKeySpec } from '#server/crypto/token-cipher.ts';
import { type MetaAppCredentials, metaAppEnv, newMetaAppCredentials } from './meta/app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './meta/simulator.ts';
import { applyMigrations, applyShim } from './migrate.ts';
import { freePort, isPortFree, type LocalPostgres, startPostgres } from './postgres.ts';
import { newVapidKeys, type VapidKeys } from './push/credentials.ts';
import { type PushStandIn, startPushStandIn } from './push/stand-in.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from './supabase/server.ts';

export interface LocalStack {
  postgres: LocalPostgres;
  supabase: SupabaseStandIn;
  metaApp: MetaAppCredentials;
  /** Meta, as far as the app can tell; point its webhooks at the app once the app listens. */
  meta: MetaSimulator;
  /** Expo, FCM, APNs and Web Push, as far as the app can tell. */
  push: PushStandIn;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** Folder holding the cluster and the project's keys. */
  dataDir: string;
  ephemeral?: boolean;
  /** The Meta app the simulator plays and the app is configured with (default: fresh credentials). */
  metaApp?: MetaAppCredentials;
  log?: (line: string) => void;
}

/** Token keys must outlive restarts of a persistent stack, or its stored tokens become unreadable. */
async function tokenKeys(options: LocalStackOptions): Promise<string> {
  if (options.ephemeral) return newKeySpec('local');
  const file = path.join(options.dataDir, 'token-keys');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const spec = newKeySpec('local');
  await writeFile(file, `${spec}\n`, { mode: 0o600 });
  return spec;
}

/**
 * The app's VAPID keys must outlive restarts too: a browser's subscription is bound to the public
 * key it subscribed with.
 */
async function vapidKeys(options: LocalStackOptions): Promise<VapidKeys> {
  if (options.ephemeral) return newVapidKeys();
  const file = path.join(options.dataDir, 'vapid-keys.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as VapidKeys;
  const keys = newVapidKeys();
  await writeFile(file, `${JSON.stringify(keys)}\n`, { mode: 0o600 });
  return keys;
}

/** Where browsers' subscriptions may point: the stand-in, and the real push services. */
const REAL_WEB_PUSH_ORIGINS =
  'https://fcm.googleapis.com,https://updates.push.services.mozilla.com,https://*.notify.windows.com,https://web.push.apple.com';

/**
 * The simulator's port: the one a persistent stack used before, while it is free, since the
 * picture URLs it handed out (and the database keeps) point at it.
 */
async function simulatorPort(options: LocalStackOptions): Promise<number> {
  if (options.ephemeral) return 0;
  const file = path.join(options.dataDir, 'meta-simulator-port');
  const previous = existsSync(file) ? Number((await readFile(file, 'utf8')).trim()) : 0;
  if (previous > 0 && (await isPortFree(previous))) return previous;
  const port = await freePort();
  await writeFile(file, `${port}\n`);
  return port;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const postgres = await startPostgres({
    dataDir: path.join(options.dataDir, 'pg'),
    ephemeral: options.ephemeral,
    log: options.log,
  });
  try {
    await applyShim(postgres.superuserUrl(), postgres.password);
    await applyMigrations(postgres.appUrl());
    const supabase = await startSupabaseStandIn({
      databaseUrl: postgres.superuserUrl(),
      signingKeyFile: options.ephemeral ? undefined : path.join(options.dataDir, 'signing-key.json'),
      anonKey: options.ephemeral ? undefined : 'sb_publishable_local_development_key',
    });
    const metaApp = options.metaApp ?? newMetaAppCredentials();
    const meta = await startMetaSimulator({ app: metaApp, port: await simulatorPort(options) });
    const push = await startPushStandIn();
    const pushEnv = push.env(await vapidKeys(options));
    return {
      postgres,
      supabase,
      metaApp,
      meta,
      push,
      env: {
        DATABASE_URL: postgres.appUrl(),
        SUPABASE_URL: supabase.url,
        SUPABASE_ANON_KEY: supabase.anonKey,
        ...metaAppEnv(metaApp),
        INSTAGRAM_GRAPH_URL: meta.instagramGraphUrl,
        FACEBOOK_GRAPH_URL: meta.facebookGraphUrl,
        INSTAGRAM_OAUTH_URL: `${meta.url}/www.instagram.com`,
        INSTAGRAM_API_URL: `${meta.url}/api.instagram.com`,
        FACEBOOK_OAUTH_URL: `${meta.url}/www.facebook.com`,
        TOKEN_ENCRYPTION_KEYS: await tokenKeys(options),
        ...pushEnv,
        // A browser with a way out (on a developer's machine) may subscribe at its real push service.
        PUSH_WEB_ENDPOINT_ORIGINS: `${pushEnv.PUSH_WEB_ENDPOINT_ORIGINS},${REAL_WEB_PUSH_ORIGINS}`,
      },
      async stop() {
        await push.stop();
        await meta.stop();
        await supabase.stop();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
