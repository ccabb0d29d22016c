// The daily purge: for each workspace, its messages older than its message retention and its raw
// deliveries older than its delivery retention, or than its message retention when that is
// shorter (a delivery holds the words of the messages it brought). A batch of rows per
// transaction, so no lock is held for long and the inbox goes on writing meanwhile. Leads and
// contacts stay, with their source and first contact time; a conversation whose last message is
// gone keeps no words of it in its preview.
import { listWorkspaceAccountIds } from '../accounts/index.ts';
import { forgetPreviewsBefore, purgeMessagesBefore } from '../conversations/index.ts';
import type { Tx } from '../db/database.ts';
import { HEALTH_TOTALS_DAYS, purgeHealthTotals } from '../health/index.ts';
import { purgeDeliveriesBefore } from '../ingest/index.ts';
import { LIVE_LOG_DAYS, purgeLiveEvents } from '../realtime/live-events.repository.ts';
import type { Services } from '../services.ts';
import { listRetentionPolicies, type RetentionPolicy } from '../team/index.ts';
import { finishRun, type RunCutoffs, startRun } from './retention-runs.repository.ts';

/** Rows per transaction: a few tens of milliseconds of locks, a few round trips per 10k rows. */
export const PURGE_BATCH = 2000;

/** How long deliveries of accounts no workspace has connected are kept. */
export const UNOWNED_DELIVERY_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

export function cutoffsAt(now: Date, policy: RetentionPolicy): RunCutoffs {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const deliveryDays = Math.min(policy.deliveryDays, policy.messageDays ?? Number.POSITIVE_INFINITY);
  return {
    messagesBefore: policy.messageDays === null ? null : before(policy.messageDays),
    deliveriesBefore: before(deliveryDays),
  };
}

/** Runs `purge` a batch at a time, each in its own transaction, until a batch comes back short. */
async function inBatches(
  services: Pick<Services, 'db'>,
  purge: (trx: Tx) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const purged = await services.db.withService(purge);
    total += purged;
    if (purged < PURGE_BATCH) return total;
  }
}

export interface PurgeReport {
  workspaces: number;
  messages: number;
  deliveries: number;
  /** Of the mobile live log, kept LIVE_LOG_DAYS for every workspace. */
  liveEvents: number;
  /** Health's running totals (counts, no one's data), kept HEALTH_TOTALS_DAYS. */
  healthTotals: number;
}

/** `now` is the run's clock: what is older than each cutoff it gives goes. */
export async function purgeExpired(services: Pick<Services, 'db'>, now: Date): Promise<PurgeReport> {
  const policies = await services.db.withService((trx) => listRetentionPolicies(trx));
  const report: PurgeReport = {
    workspaces: policies.length,
    messages: 0,
    deliveries: 0,
    liveEvents: 0,
    healthTotals: 0,
  };
  for (const policy of policies) {
    const cutoffs = cutoffsAt(now, policy);
    const { runId, accountIds } = await services.db.withService(async (trx) => ({
      runId: await startRun(trx, policy.workspaceId, cutoffs),
      accountIds: await listWorkspaceAccountIds(trx, policy.workspaceId),
    }));
    const { messagesBefore, deliveriesBefore } = cutoffs;
    const messages = messagesBefore
      ? await inBatches(services, (trx) =>
          purgeMessagesBefore(trx, policy.workspaceId, messagesBefore, PURGE_BATCH),
        )
      : 0;
    const deliveries =
      accountIds.length > 0
        ? await inBatches(services, (trx) =>
            purgeDeliveriesBefore(trx, { accountIds }, deliveriesBefore, PURGE_BATCH),
          )
        : 0;
    await services.db.withService(async (trx) => {
      if (messagesBefore) await forgetPreviewsBefore(trx, policy.workspaceId, messagesBefore);
      await finishRun(trx, runId, { messages, deliveries });
    });
    report.messages += messages;
    report.deliveries += deliveries;
  }
  const unownedBefore = new Date(now.getTime() - UNOWNED_DELIVERY_DAYS * DAY_MS);
  report.deliveries += await inBatches(services, (trx) =>
    purgeDeliveriesBefore(trx, 'unowned', unownedBefore, PURGE_BATCH),
  );
  const liveLogBefore = new Date(now.getTime() - LIVE_LOG_DAYS * DAY_MS);
  report.liveEvents = await inBatches(services, (trx) => purgeLiveEvents(trx, liveLogBefore, PURGE_BATCH));
  const healthBefore = new Date(now.getTime() - HEALTH_TOTALS_DAYS * DAY_MS);
  report.healthTotals = await services.db.withService((trx) => purgeHealthTotals(trx, healthBefore));
  return report;
}
