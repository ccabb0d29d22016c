import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { QUEUES } from '../jobs/queue.ts';
import { type RefreshDeps, refreshDueTokens } from './refresh-tokens.ts';

export const refreshTokensJob = defineJob({
  queue: QUEUES.refreshTokens,
  payload: z.looseObject({}),
  concurrency: 1,
  run: (deps: RefreshDeps) => refreshDueTokens(deps),
});
