import type { Actor, Database } from '../db/database.ts';
import { type EnqueueIngest, replayFailedWebhookEvents } from './replay-webhook-events.ts';

/**
 * Replays the deliveries that failed for a workspace's connected Instagram accounts. The caller's
 * admin rights are checked by the API layer; the connections are read as the caller, under RLS.
 * A disconnected connection's failures are not replayed: ingest applies a delivery to whichever
 * workspace has its account now, which may be another one.
 */
export async function replayWorkspaceWebhooks(
  db: Database,
  enqueueIngest: EnqueueIngest,
  actor: Actor,
  workspaceId: string,
): Promise<number> {
  const connections = await db.withUser(actor, (trx) =>
    trx
      .selectFrom('channel_connections')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('status', '<>', 'DISCONNECTED')
      .execute(),
  );
  if (connections.length === 0) return 0;
  return replayFailedWebhookEvents(db, enqueueIngest, { connectionIds: connections.map((c) => c.id) });
}
