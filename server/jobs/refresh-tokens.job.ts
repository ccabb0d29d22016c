import { z } from 'zod';
import { type RefreshDeps, refreshDueTokens } from '../inbox/refresh-tokens.ts';
import { defineJob } from './job.ts';
import { QUEUES } from './queue.ts';

export const refreshTokensJob = defineJob({
  queue: QUEUES.refreshTokens,
  payload: z.looseObject({}),
  concurrency: 1,
  run: (deps: RefreshDeps) => refreshDueTokens(deps),
});
