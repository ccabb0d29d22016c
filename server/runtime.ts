// The long-lived services of one server process, built once from the environment.
import { type AccessTokenVerifier, createAccessTokenVerifier } from './auth/access-token.ts';
import { createDatabase, type Database } from './db/database.ts';
import { type Env, getEnv } from './env.ts';

export interface Runtime {
  env: Env;
  db: Database;
  verifier: AccessTokenVerifier;
}

export function createRuntime(env: Env): Runtime {
  return {
    env,
    db: createDatabase({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }),
    verifier: createAccessTokenVerifier({
      supabaseUrl: env.SUPABASE_URL,
      jwtSecret: env.SUPABASE_JWT_SECRET,
    }),
  };
}

let shared: Runtime | undefined;

export function getRuntime(): Runtime {
  shared ??= createRuntime(getEnv());
  return shared;
}
