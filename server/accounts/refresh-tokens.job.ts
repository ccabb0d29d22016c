import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { type RefreshServices, refreshDueTokens } from './refresh-tokens.ts';

export const refreshTokensJob = defineJob({
  queue: 'refresh-tokens',
  // Every hour: tokens are refreshed weeks before they expire, so a missed run or two is harmless.
  schedule: '17 * * * *',
  payload: z.looseObject({}),
  concurrency: 1,
  run: (services: RefreshServices) => refreshDueTokens(services),
});
