// A job: a queue, the shape of its payload (checked when it runs), and what it does.
import type { z } from 'zod';
import type { QueueName } from './queue.ts';

export interface JobDefinition<Deps, Schema extends z.ZodType> {
  queue: QueueName;
  payload: Schema;
  /** How many of these may run at once in one worker process. */
  concurrency: number;
  run(deps: Deps, payload: z.infer<Schema>): Promise<unknown>;
}

export function defineJob<Deps, Schema extends z.ZodType>(job: JobDefinition<Deps, Schema>) {
  return job;
}
