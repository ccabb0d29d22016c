// The app's configuration for a test file's own database and Supabase stand-in.
import { newKeySpec } from '#server/crypto/token-cipher.ts';
import { type Env, parseEnv } from '#server/env.ts';
import { type MetaAppCredentials, metaAppEnv, newMetaAppCredentials } from '../meta/app-credentials.ts';
import type { SupabaseStandIn } from '../supabase/server.ts';
import type { TestDatabase } from './database.ts';

/**
 * A complete, valid configuration whose services are all unreachable: for tests of the
 * configuration itself, which change one variable and look at what is said about it.
 */
export const CONFIGURATION_POINTING_NOWHERE: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgres://postgres:x@127.0.0.1:1/postgres',
  SUPABASE_URL: 'http://127.0.0.1:1',
  SUPABASE_ANON_KEY: 'sb_publishable_0123456789abcdef',
  APP_URL: 'http://127.0.0.1:3000',
  INSTAGRAM_APP_ID: '990000000000001',
  INSTAGRAM_APP_SECRET: 'ig-app-secret-0123456789',
  INSTAGRAM_VERIFY_TOKEN: 'verify-token-0123456789',
  TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

/** The environment variables, as a child process would receive them. */
export function testEnvVars(
  database: TestDatabase,
  supabase: Pick<SupabaseStandIn, 'url' | 'anonKey'> = {
    url: 'http://127.0.0.1:9',
    anonKey: 'sb_publishable_unused',
  },
  extra: Record<string, string> = {},
  metaApp: MetaAppCredentials = newMetaAppCredentials(),
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: database.appUrl,
    SUPABASE_URL: supabase.url,
    SUPABASE_ANON_KEY: supabase.anonKey,
    APP_URL: 'http://127.0.0.1:3000',
    ...metaAppEnv(metaApp),
    TOKEN_ENCRYPTION_KEYS: newKeySpec('test'),
    // A worker's reconciliation at start would touch every test's accounts; its own test turns it on.
    RUN_JOBS_AT_START: 'false',
    ...extra,
  };
}

export function testEnv(...args: Parameters<typeof testEnvVars>): Env {
  return parseEnv(testEnvVars(...args));
}
