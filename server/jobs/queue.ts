// The job queue (pg-boss, in the same Postgres). Jobs are enqueued inside the transaction that
// creates the work, through pg-boss's `db` option, so a rollback also un-queues them.
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Tx } from '../db/database.ts';
import { DEFAULT_JOB_TIMEOUT_SECONDS } from '../env.ts';

export const QUEUES = {
  ingestWebhookEvents: 'ingest-webhook-events',
  enrichContact: 'enrich-contact',
  refreshTokens: 'refresh-tokens',
  sendMessages: 'send-messages',
  senderActions: 'sender-actions',
  requeueStrandedReplies: 'requeue-stranded-replies',
} as const;

/** pg-boss's own schema (its default), where the jobs themselves live. */
export const QUEUE_SCHEMA = 'pgboss';

/** Workers LISTEN here, so a job queued by another process starts without waiting for a poll. */
export const JOB_WAKEUP_CHANNEL = 'inbox_jobs';
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface QueueOptions {
  url: string;
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
    for (const name of Object.values(QUEUES)) {
      const policy = {
        name,
        retryLimit: 10,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: jobTimeoutSeconds,
      };
      await boss.createQueue(name, policy);
      await boss.updateQueue(name, policy); // createQueue keeps an existing queue's old settings
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

export async function enqueue(
  boss: PgBoss,
  trx: Tx,
  name: QueueName,
  payloads: object[],
  options: { startAfter?: Date } = {},
): Promise<void> {
  if (payloads.length === 0) return;
  const startAfter = options.startAfter?.toISOString();
  await boss.insert(
    payloads.map((data) => ({ name, data, startAfter })),
    { db: transactionDb(trx) },
  );
  // Delivered on commit, like the jobs themselves.
  await trx.executeQuery(CompiledQuery.raw('select pg_notify($1, $2)', [JOB_WAKEUP_CHANNEL, name]));
}
