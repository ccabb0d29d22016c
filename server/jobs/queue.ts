// The job queue (pg-boss, in the same Postgres). Jobs are enqueued inside the transaction that
// creates the work, through pg-boss's `db` option, so a rollback also un-queues them.
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Tx } from '../db/database.ts';

export const QUEUES = {
  ingestWebhookEvents: 'ingest-webhook-events',
  enrichContact: 'enrich-contact',
} as const;

/** Workers LISTEN here, so a job queued by another process starts without waiting for a poll. */
export const JOB_WAKEUP_CHANNEL = 'inbox_jobs';
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface QueueOptions {
  url: string;
  /** Web processes only enqueue; worker processes also run maintenance and schedules. */
  role: 'web' | 'worker';
}

export async function startQueue({ url, role }: QueueOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    max: role === 'web' ? 2 : 4,
    supervise: role === 'worker',
    schedule: role === 'worker',
    application_name: `inbox-${role}`,
  });
  boss.on('error', (error) => console.error('queue:', error));
  await boss.start();
  for (const name of Object.values(QUEUES)) {
    // Retries with backoff; a job still running after 2 minutes is presumed dead and retried.
    await boss.createQueue(name, {
      name,
      retryLimit: 10,
      retryDelay: 2,
      retryBackoff: true,
      expireInSeconds: 120,
    });
  }
  return boss;
}

/** pg-boss runs its SQL on our transaction's connection. */
export function transactionDb(trx: Tx): PgBoss.Db {
  return {
    executeSql: async (text, values) => ({
      rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows,
    }),
  };
}

export async function enqueue(boss: PgBoss, trx: Tx, name: QueueName, payloads: object[]): Promise<void> {
  if (payloads.length === 0) return;
  await boss.insert(
    payloads.map((data) => ({ name, data })),
    { db: transactionDb(trx) },
  );
  // Delivered on commit, like the jobs themselves.
  await trx.executeQuery(CompiledQuery.raw('select pg_notify($1, $2)', [JOB_WAKEUP_CHANNEL, name]));
}
