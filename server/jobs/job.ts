// A job: its queue, the shape of its payload (checked when it is queued and when it runs), and
// what it does with the services it is given.
import type { z } from 'zod';
import type { Tx } from '../db/database.ts';

export interface JobDefinition<Services, Schema extends z.ZodType> {
  /**
   * pg-boss's queue name. Stored with every queued job and read by Health's stuck-jobs SQL, so it
   * never changes once released.
   */
  queue: string;
  payload: Schema;
  /** How many of these may run at once in one worker process. */
  concurrency: number;
  /**
   * Jobs that may run as one: up to `size` waiting jobs are taken together and their payloads
   * merged into the payloads run, one after another (see batch.ts). Without it, one job at a time.
   */
  batch?: { size: number; merge(payloads: z.infer<Schema>[]): z.infer<Schema>[] };
  /** The queue pg-boss moves a job to once it has run out of retries. */
  deadLetter?: string;
  /** A cron expression, for jobs the worker runs on a schedule (with an empty payload). */
  schedule?: string;
  /** Also queued (with an empty payload) each time a worker starts: after a deploy or an outage. */
  runAtStart?: boolean;
  run(services: Services, payload: z.infer<Schema>): Promise<unknown>;
}

export function defineJob<Services, Schema extends z.ZodType>(job: JobDefinition<Services, Schema>) {
  return job;
}

/** What queueing a job needs to know about it. */
export type JobQueue<Schema extends z.ZodType> = Pick<JobDefinition<never, Schema>, 'queue' | 'payload'>;

/** Queues a job in the caller's transaction: a rollback un-queues it. */
export type Enqueue = <Schema extends z.ZodType>(
  trx: Tx,
  job: JobQueue<Schema>,
  payload: z.input<Schema>,
  options?: {
    startAfter?: Date;
    /** The job's id (a UUID): a job with this id in the queue already is not queued again. */
    id?: string;
  },
) => Promise<void>;
