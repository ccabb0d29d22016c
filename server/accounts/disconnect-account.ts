import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { subscriberId, unsealToken, unsubscribeApp } from '../meta/graph-api.ts';
import { GraphApiError, GraphNetworkError } from '../meta/graph-client.ts';
import type { Services } from '../services.ts';
import {
  disconnectConnections,
  findConnectionCredentials,
  findConnectionInWorkspace,
  purgeConnections,
} from './connections.repository.ts';

export type DisconnectServices = Pick<Services, 'db' | 'cipher' | 'graph'>;

export interface DisconnectResult {
  /** False when Meta could not be told (the token was already dead); webhooks then stop on their own. */
  unsubscribed: boolean;
  deleted: Record<string, number> | null;
}

export async function disconnectAccount(
  services: DisconnectServices,
  actor: Actor,
  request: { workspaceId: string; connectionId: string; deleteHistory: boolean },
): Promise<DisconnectResult> {
  // Read as the admin, under RLS: another workspace's account is simply not found.
  const visible = await services.db.withUser(actor, (trx) =>
    findConnectionInWorkspace(trx, request.workspaceId, request.connectionId),
  );
  if (!visible) throw new AppError('NOT_FOUND', 'Instagram account not found in this workspace');
  const connection = await services.db.withService((trx) =>
    findConnectionCredentials(trx, request.connectionId),
  );
  if (!connection) throw new AppError('NOT_FOUND', 'Instagram account not found in this workspace');

  let unsubscribed = false;
  if (connection.accessToken) {
    const token = unsealToken(services.cipher, connection.id, connection.accessToken);
    // A Page-linked account whose Page is unknown has no subscriber to remove, like a dead token.
    if (subscriberId(connection)) {
      try {
        await unsubscribeApp(services.graph, connection, token);
        unsubscribed = true;
      } catch (error) {
        if (!(error instanceof GraphApiError || error instanceof GraphNetworkError)) throw error;
      }
    }
  }

  const deleted = await services.db.withService(async (trx) => {
    const audit = {
      workspaceId: request.workspaceId,
      target: visible.display_name ?? connection.channelIdentifier,
      detail: { unsubscribed },
    };
    if (request.deleteHistory) {
      const purged = await purgeConnections(trx, [
        {
          id: connection.id,
          channel_identifier: connection.channelIdentifier,
          provider_account_id: connection.providerAccountId,
        },
      ]);
      await recordAudit(trx, actor.userId, { ...audit, action: 'account.delete_history', detail: purged });
      return purged;
    }
    await disconnectConnections(trx, [connection.id], null);
    await recordAudit(trx, actor.userId, { ...audit, action: 'account.disconnect' });
    return null;
  });
  return { unsubscribed, deleted };
}
