import type { Actor, Database } from '../db/database.ts';
import { type EnqueueIngest, replayFailedWebhookEvents } from './replay-webhook-events.ts';

/**
 * Replays the failed deliveries that concern a workspace's Instagram accounts. The caller's
 * admin rights are checked by the API layer; the accounts are read as the caller, under RLS.
 */
export async function replayWorkspaceWebhooks(
  db: Database,
  enqueueIngest: EnqueueIngest,
  actor: Actor,
  workspaceId: string,
): Promise<number> {
  const accounts = await db.withUser(actor, (trx) =>
    trx
      .selectFrom('channel_connections')
      .select(['channel_identifier', 'provider_account_id'])
      .where('workspace_id', '=', workspaceId)
      .execute(),
  );
  const accountIds = accounts.flatMap((a) => [
    a.channel_identifier,
    ...(a.provider_account_id ? [a.provider_account_id] : []),
  ]);
  if (accountIds.length === 0) return 0;
  return replayFailedWebhookEvents(db, enqueueIngest, { accountIds });
}
