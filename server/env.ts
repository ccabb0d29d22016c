// The one reader of process.env. Parsed once; a missing or invalid variable stops the process
// with a message that names it.
import { z } from 'zod';

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

/** What the browser may know: URLs and the public key, never a secret. */
export function publicEnv(env: Env) {
  return { SUPABASE_URL: env.SUPABASE_URL, SUPABASE_ANON_KEY: env.SUPABASE_ANON_KEY };
}
export type PublicEnv = ReturnType<typeof publicEnv>;
