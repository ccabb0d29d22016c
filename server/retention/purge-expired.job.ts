import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import type { Services } from '../services.ts';
import { purgeExpired } from './purge-expired.ts';

export const purgeExpiredJob = defineJob({
  queue: 'purge-expired',
  // Daily, at a quiet hour: retention is counted in days.
  schedule: '23 3 * * *',
  payload: z.looseObject({}),
  concurrency: 1,
  run: (services: Pick<Services, 'db'>) => purgeExpired(services, new Date()),
});
