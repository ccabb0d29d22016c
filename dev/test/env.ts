// The app's configuration for a test file's own database and Supabase stand-in.
import { newKeySpec } from '#server/crypto/token-cipher.ts';
import { type Env, parseEnv } from '#server/env.ts';
import { type MetaAppCredentials, metaAppEnv, newMetaAppCredentials } from '../meta/app-credentials.ts';
import type { SupabaseStandIn } from '../supabase/server.ts';
import type { TestDatabase } from './database.ts';

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
