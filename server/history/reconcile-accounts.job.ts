// Missed-webhook recovery: every hour, and each time a worker starts (after a deploy or an
// outage, when webhooks are most likely to have been missed), every connected account is
// reconciled with Meta's Conversations API.
import { z } from 'zod';
import { listConnectedAccounts } from '../accounts/index.ts';
import { AppError } from '../errors.ts';
import { defineJob } from '../jobs/job.ts';
import type { Services } from '../services.ts';
import { startHistoryImport } from './start-history-import.ts';

export const reconcileAccountsJob = defineJob({
  queue: 'reconcile-accounts',
  schedule: '41 * * * *',
  runAtStart: true,
  payload: z.looseObject({}),
  concurrency: 1,
  run: (services: Pick<Services, 'db' | 'enqueue'>) => reconcileAccounts(services),
});

/** Starts a reconciliation of each connected account (one already running is left to run). */
export async function reconcileAccounts(services: Pick<Services, 'db' | 'enqueue'>): Promise<number> {
  const accounts = await services.db.withService((trx) => listConnectedAccounts(trx));
  let started = 0;
  for (const account of accounts) {
    const request = { workspaceId: account.workspaceId, connectionId: account.id, requestedBy: null };
    try {
      if ((await startHistoryImport(services, { ...request, kind: 'RECONCILE' })).started) started += 1;
    } catch (error) {
      // Disconnected or gone since it was listed: nothing to reconcile.
      if (!(error instanceof AppError)) throw error;
    }
  }
  return started;
}
