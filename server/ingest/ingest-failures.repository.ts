// SQL for the record of failed ingest attempts: how many events of which connection could not be
// applied, so each workspace's Health screen counts its own failures and no one else's.
import type { Tx } from '../db/database.ts';

export interface IngestFailure {
  connectionId: string;
  workspaceId: string;
  eventCount: number;
}

export async function recordIngestFailures(
  trx: Tx,
  webhookEventId: string,
  failures: IngestFailure[],
): Promise<void> {
  if (failures.length === 0) return;
  await trx
    .insertInto('ingest_failures')
    .values(
      failures.map((failure) => ({
        webhook_event_id: webhookEventId,
        channel_connection_id: failure.connectionId,
        workspace_id: failure.workspaceId,
        event_count: failure.eventCount,
      })),
    )
    .execute();
}
