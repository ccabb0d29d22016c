// Work that may fail for a lasting reason without taking its transaction with it: a savepoint,
// undone on such a failure (a bad event), while a transient one (the connection lost, a deadlock,
// the database away) ends the whole job, which the queue retries.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `work` in a savepoint: undone, and its error returned, when it fails for a lasting reason. */
export async function inSavepoint<T>(trx: Tx, work: () => Promise<T>): Promise<Attempt<T>> {
  await sql`savepoint apply_events`.execute(trx);
  try {
    const value = await work();
    await sql`release savepoint apply_events`.execute(trx);
    return { ok: true, value };
  } catch (error) {
    if (isTransient(error)) throw error;
    await sql`rollback to savepoint apply_events`.execute(trx);
    await sql`release savepoint apply_events`.execute(trx);
    return { ok: false, error };
  }
}

/**
 * Worth retrying the whole job: a deadlock or serialization failure, resource exhaustion, a lost
 * connection (Postgres SQLSTATE classes 40, 53, 57, 58, 08, or a Node network error).
 */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (/^(40|53|57|58|08)/.test(code) || /^E[A-Z]+$/.test(code));
}
