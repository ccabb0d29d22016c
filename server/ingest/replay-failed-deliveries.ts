// Runs failed deliveries through ingest again: all of them or some accounts' (the operator's
// command line), or those that failed for a workspace's live connections (its Health screen).
// They keep their error until then; ingest is idempotent, so whatever part of a delivery had
// already been applied is not applied twice.

import { listLiveConnectionIds } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../db/database.ts';
import type { Services } from '../services.ts';
import { ingestWebhookEventsJob } from './ingest-webhook-events.job.ts';
import { listFailedLedgerEntries, markForReplay } from './webhook-ledger.repository.ts';

type ReplayServices = Pick<Services, 'db' | 'enqueue'>;

export async function replayFailedDeliveries(
  { db, enqueue }: ReplayServices,
  filter: { accountIds?: string[]; connectionIds?: string[]; limit?: number } = {},
): Promise<number> {
  return db.withService(async (trx) => {
    const ids = await listFailedLedgerEntries(trx, {
      accountIds: filter.accountIds,
      connectionIds: filter.connectionIds,
      limit: filter.limit ?? 1000,
    });
    if (ids.length === 0) return 0;
    await markForReplay(trx, ids);
    await enqueue(trx, ingestWebhookEventsJob, { webhookEventIds: ids });
    return ids.length;
  });
}

/**
 * Replays the deliveries that failed for a workspace's connected Instagram accounts. The caller's
 * admin rights are checked by the API layer; the connections are read as the caller, under RLS.
 * A disconnected connection's failures are not replayed: ingest applies a delivery to whichever
 * workspace has its account now, which may be another one.
 */
export async function replayWorkspaceDeliveries(
  services: ReplayServices,
  actor: Actor,
  workspaceId: string,
): Promise<number> {
  const connectionIds = await services.db.withUser(actor, (trx) => listLiveConnectionIds(trx, workspaceId));
  if (connectionIds.length === 0) return 0;
  const replayed = await replayFailedDeliveries(services, { connectionIds });
  await services.db.withService((trx) =>
    recordAudit(trx, actor.userId, {
      workspaceId,
      action: 'deliveries.replay',
      target: null,
      detail: { replayed },
    }),
  );
  return replayed;
}
