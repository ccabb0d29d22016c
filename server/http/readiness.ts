// Whether this process can do its work: the database answers, and the job queue's tables are
// there. For a platform's or a supervisor's health check (GET /api/ready): 503 while either is
// away, so traffic goes elsewhere until it is back. Each check gives up after a bound, so a
// database that does not answer at all cannot hang the check.
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';

export type Reachability = 'ok' | 'unreachable';

export interface Readiness {
  ready: boolean;
  database: Reachability;
  queue: Reachability;
}

const CHECK_TIMEOUT_MS = 2000;

async function reachable(check: () => Promise<unknown>): Promise<Reachability> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), late]);
    return 'ok';
  } catch {
    return 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(db: Database): Promise<Readiness> {
  const database = await reachable(() => sql`select 1`.execute(db.kysely));
  const queue =
    database === 'ok'
      ? await reachable(() => sql`select version from pgboss.version`.execute(db.kysely))
      : 'unreachable';
  return { ready: database === 'ok' && queue === 'ok', database, queue };
}
