import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import type { Services } from '../services.ts';
import { readExpoReceipts } from './expo-receipts.ts';

export const expoReceiptsJob = defineJob({
  queue: 'push-expo-receipts',
  payload: z.object({}),
  concurrency: 1,
  schedule: '*/5 * * * *',
  run: (services: Pick<Services, 'db' | 'push'>) => readExpoReceipts(services),
});
