// The kysely client and the two ways to use it. Every operator request runs inside withUser(),
// a transaction as Supabase's `authenticated` role with the caller's JWT claims, so row-level
// security guards the app's own queries exactly as it guards direct Supabase clients.
// withService() is for Meta's webhooks and background jobs, which act for no operator.
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type { DB } from './database.gen.ts';
import { createPool } from './pool.ts';

export type { DB } from './database.gen.ts';
export type Tx = Transaction<DB>;

/** The verified identity an operator request runs as. */
export interface Actor {
  userId: string;
  email: string | null;
  /** The verified JWT claims, handed to Postgres as `request.jwt.claims`. */
  claims: Record<string, unknown>;
}

export interface Database {
  kysely: Kysely<DB>;
  withUser<T>(actor: Actor, fn: (trx: Tx) => Promise<T>): Promise<T>;
  withService<T>(fn: (trx: Tx) => Promise<T>): Promise<T>;
  destroy(): Promise<void>;
}

/**
 * How long a request waits for a connection (a free one in the pool, or a new one) before it is
 * refused as "database unavailable": a host that went dark would otherwise hold it for minutes,
 * until the operating system gives up on the TCP connect.
 */
const CONNECT_TIMEOUT_MS = 5000;

export function createDatabase(options: {
  url: string;
  poolSize?: number;
  connectTimeoutMs?: number;
  /** Sees every query run (its SQL and parameters): for benchmarks that EXPLAIN what ran. */
  onQuery?: (query: { sql: string; parameters: readonly unknown[] }) => void;
}): Database {
  const { pool, end } = createPool({
    label: 'database',
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
  });
  const onQuery = options.onQuery;
  const kysely = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: onQuery && ((event) => onQuery(event.query)),
  });

  return {
    kysely,
    withUser(actor, fn) {
      // The role is fixed here, never taken from the token; `sub` is what auth.uid() reads.
      const claims = JSON.stringify({ ...actor.claims, sub: actor.userId, role: 'authenticated' });
      return kysely.transaction().execute(async (trx) => {
        // Transaction-local settings (the `true`), as PostgREST does: they vanish at commit, so a
        // pooled connection never carries one operator's identity into the next request.
        await sql`select set_config('role', 'authenticated', true),
                         set_config('request.jwt.claims', ${claims}, true),
                         set_config('statement_timeout', '8s', true)`.execute(trx);
        return fn(trx);
      });
    },
    withService(fn) {
      return kysely.transaction().execute(fn);
    },
    destroy: () => end(() => kysely.destroy()),
  };
}

/**
 * Drops the operator's role for the rest of a withUser() transaction, once the operator's own
 * reads and writes have passed RLS, so the server's bookkeeping for the same action (queueing
 * its job, updating the conversation summary) commits or rolls back with it.
 */
export async function continueAsServer(trx: Tx): Promise<void> {
  await sql`select set_config('role', 'none', true)`.execute(trx);
}
