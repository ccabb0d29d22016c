// Jobs of one queue taken together run as one where the queue says how to merge them (ingest:
// many small jobs' deliveries in one transaction, so a backlog is applied in large steps instead
// of paying a job's fixed cost for every few deliveries). If the merged run fails, each job runs
// on its own, so a job that cannot succeed fails alone and its neighbours still complete.
import type { z } from 'zod';
import type { JobDefinition } from './job.ts';

export interface TakenJob {
  id: string;
  data: unknown;
}

/**
 * Runs the taken jobs of `job`; returns the error of each job that failed, by id (the others
 * succeeded). A payload that does not match the job's schema fails its own job only.
 */
export async function runTakenJobs<Services, Schema extends z.ZodType>(
  job: JobDefinition<Services, Schema>,
  services: Services,
  taken: TakenJob[],
): Promise<Map<string, unknown>> {
  const failed = new Map<string, unknown>();
  const valid: { id: string; payload: z.infer<Schema> }[] = [];
  for (const { id, data } of taken) {
    const parsed = job.payload.safeParse(data);
    if (parsed.success) valid.push({ id, payload: parsed.data });
    else failed.set(id, parsed.error);
  }
  if (valid.length > 1 && job.batch) {
    try {
      for (const payload of job.batch.merge(valid.map((v) => v.payload))) await job.run(services, payload);
      return failed;
    } catch {
      // Each on its own below: only the jobs that fail again are failed.
    }
  }
  for (const { id, payload } of valid) {
    try {
      await job.run(services, payload);
    } catch (error) {
      failed.set(id, error);
    }
  }
  return failed;
}
