// The job queue (pg-boss, in the same Postgres). Jobs are enqueued inside the transaction that
// creates the work, through pg-boss's `db` option, so a rollback also un-queues them.
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { z } from 'zod';
import type { Tx } from '../db/database.ts';
import { DEFAULT_JOB_TIMEOUT_SECONDS } from '../env.ts';
import type { Enqueue, JobDefinition } from './job.ts';

/** pg-boss's own schema (its default), where the jobs themselves live. */
export const QUEUE_SCHEMA = 'pgboss';

/** Workers LISTEN here, so a job queued by another process starts without waiting for a poll. */
export const JOB_WAKEUP_CHANNEL = 'inbox_jobs';

export interface QueueOptions {
  url: string;
  /** The jobs whose queues to create (every process creates all of them: any may start first). */
  jobs: readonly Pick<JobDefinition<never, z.ZodType>, 'queue' | 'deadLetter'>[];
  /** Web processes only enqueue; worker processes also run maintenance and schedules. */
  role: 'web' | 'worker';
  /**
   * A running job not renewed for this long is presumed to belong to a dead worker and is retried
   * (workers renew theirs: see heartbeat.ts; the work is idempotent, so a slow worker finishing
   * too does no harm).
   */
  jobTimeoutSeconds?: number;
}

export async function startQueue({
  url,
  jobs,
  role,
  jobTimeoutSeconds = DEFAULT_JOB_TIMEOUT_SECONDS,
}: QueueOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    max: role === 'web' ? 2 : 4,
    supervise: role === 'worker',
    schedule: role === 'worker',
    // Expired jobs are found by maintenance, so it runs often enough that a dead worker's job is
    // retried soon after it expires: within 1½ timeouts.
    maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(jobTimeoutSeconds / 4))),
    application_name: `inbox-${role}`,
  });
  // One line: a stack and a client dump per lost connection would bury what matters.
  boss.on('error', (error) => console.error(`queue: ${error.message}`));
  // A web and a worker process deployed together both install pg-boss and create its queues;
  // run side by side, the partition DDL of the two deadlocks, so they take turns.
  await oneProcessAtATime(url, async () => {
    await boss.start();
    const policy = { retryLimit: 10, retryDelay: 2, retryBackoff: true, expireInSeconds: jobTimeoutSeconds };
    // Every queue exists before any names another as its dead-letter queue.
    for (const job of jobs) await boss.createQueue(job.queue, { name: job.queue, ...policy });
    for (const job of jobs) {
      // createQueue keeps an existing queue's old settings.
      const deadLetter = job.deadLetter ? { deadLetter: job.deadLetter } : {};
      await boss.updateQueue(job.queue, { name: job.queue, ...policy, ...deadLetter });
    }
  });
  return boss;
}

/** A session advisory lock: released by unlock, or by Postgres if this process dies holding it. */
async function oneProcessAtATime(url: string, work: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'inbox-queue-setup' });
  // While `work` runs on pg-boss's own connections this one sits idle: losing it would otherwise
  // be an 'error' event nobody handles, which ends the process. `work` fails on its own then.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext('inbox.queue-setup'))");
    await work();
  } finally {
    await client.end(); // ending the session releases the lock
  }
}

/** pg-boss runs its SQL on our transaction's connection. */
export function transactionDb(trx: Tx): PgBoss.Db {
  return {
    executeSql: async (text, values) => ({
      rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows,
    }),
  };
}

/** Queues jobs on `queue()`'s pg-boss, in the caller's transaction, payloads checked first. */
export function createEnqueue(queue: () => Promise<PgBoss>): Enqueue {
  return async (trx, job, payload, options = {}) => {
    const data = job.payload.parse(payload) as object;
    const startAfter = options.startAfter?.toISOString();
    await (await queue()).insert([{ id: options.id, name: job.queue, data, startAfter }], {
      db: transactionDb(trx),
    });
    // Delivered on commit, like the jobs themselves.
    await trx.executeQuery(CompiledQuery.raw('select pg_notify($1, $2)', [JOB_WAKEUP_CHANNEL, job.queue]));
  };
}

/**
 * Deletes the jobs of a queue, in whatever state, whose payload holds these values (a contact's
 * erasure: a queued or finished profile lookup names the contact). pg-boss keeps finished jobs
 * for a while; the payload must not outlive the data.
 */
export async function forgetJobs(trx: Tx, queue: string, payload: Record<string, string>): Promise<number> {
  let forgotten = 0;
  // Finished jobs move from job to archive after a while.
  for (const table of ['job', 'archive']) {
    const result = await sql`
      delete from ${sql.table(`${QUEUE_SCHEMA}.${table}`)}
      where name = ${queue} and data @> ${JSON.stringify(payload)}::jsonb`.execute(trx);
    forgotten += Number(result.numAffectedRows ?? 0);
  }
  return forgotten;
}
