// Taken together, jobs run merged; when the merged run fails, each runs alone and only the jobs
// that fail alone are failed. Checked against a model over generated batches: which jobs fail,
// and that every valid job's work is done exactly as if it had run on its own.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seededRandom } from '#dev/meta/random.ts';
import { runTakenJobs, type TakenJob } from './batch.ts';
import { defineJob } from './job.ts';

/** A job that records the numbers it was given; a run holding a poisoned number fails whole. */
function numbersJob(batch: boolean) {
  const done: number[] = [];
  const runs: number[][] = [];
  const job = defineJob({
    queue: 'numbers',
    payload: z.object({ numbers: z.array(z.number().int()).min(1) }),
    concurrency: 1,
    batch: batch
      ? { size: 10, merge: (payloads) => [{ numbers: payloads.flatMap((p) => p.numbers) }] }
      : undefined,
    run: async (_services: null, { numbers }) => {
      runs.push(numbers);
      if (numbers.some((n) => n < 0)) throw new Error(`poisoned: ${numbers.join(',')}`);
      done.push(...numbers);
    },
  });
  return { job, done, runs };
}

describe('runTakenJobs', () => {
  it('runs jobs taken together as one merged run', async () => {
    const { job, done, runs } = numbersJob(true);
    const taken = [1, 2, 3].map((n) => ({ id: `j${n}`, data: { numbers: [n] } }));
    expect(await runTakenJobs(job, null, taken)).toEqual(new Map());
    expect(runs).toEqual([[1, 2, 3]]);
    expect(done).toEqual([1, 2, 3]);
  });

  it('without a merge, runs each job on its own', async () => {
    const { job, runs } = numbersJob(false);
    const taken = [1, 2].map((n) => ({ id: `j${n}`, data: { numbers: [n] } }));
    expect(await runTakenJobs(job, null, taken)).toEqual(new Map());
    expect(runs).toEqual([[1], [2]]);
  });

  it('fails exactly the jobs that fail alone, and does every other job (generated batches)', async () => {
    const next = seededRandom(18).next;
    for (let round = 0; round < 200; round++) {
      const { job, done } = numbersJob(true);
      const taken: (TakenJob & { data: { numbers: number[] | string } })[] = Array.from(
        { length: 1 + Math.floor(next() * 8) },
        (_, i) => {
          const roll = next();
          const data =
            roll < 0.1
              ? { numbers: 'not numbers' } // fails its payload check
              : { numbers: [roll < 0.25 ? -(i + 1) : i + 1, 100 + i] }; // a negative poisons
          return { id: `j${i}`, data };
        },
      );
      const failed = await runTakenJobs(job, null, taken);

      const model = taken.filter(
        ({ data }) => typeof data.numbers === 'string' || data.numbers.some((n) => n < 0),
      );
      expect([...failed.keys()].sort()).toEqual(model.map((t) => t.id).sort());
      // Every job that succeeded did its work, and no poisoned work was done.
      const succeeded = taken.filter((t) => !failed.has(t.id));
      for (const { data } of succeeded) {
        for (const n of data.numbers as number[]) expect(done).toContain(n);
      }
      expect(done.every((n) => n > 0)).toBe(true);
    }
  });
});
