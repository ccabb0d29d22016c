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
import { type SupabaseStandIn, startSupabaseStandIn } from './supabase/server.ts';

export interface LocalStack {
  postgres: LocalPostgres;
  supabase: SupabaseStandIn;
  metaApp: MetaAppCredentials;
  /** Meta, as far as the app can tell; point its webhooks at the app once the app listens. */
  meta: MetaSimulator;
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
    return {
      postgres,
      supabase,
      metaApp,
      meta,
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
      },
      async stop() {
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
