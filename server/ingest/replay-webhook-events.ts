// Runs failed deliveries through ingest again. They keep their error until then; ingest is
// idempotent, so whatever part of a delivery had already been applied is not applied twice.
import type { Database, Tx } from '../db/database.ts';
import { listFailedLedgerEntries, markForReplay } from './webhook-events.repository.ts';

export type EnqueueIngest = (trx: Tx, webhookEventIds: string[]) => Promise<void>;

export async function replayFailedWebhookEvents(
  db: Database,
  enqueueIngest: EnqueueIngest,
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
    await enqueueIngest(trx, ids);
    return ids.length;
  });
}
