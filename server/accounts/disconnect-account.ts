// An admin disconnects an Instagram account: Meta stops sending its webhooks, its tokens are
// wiped, and its history is kept or deleted as the admin chooses.
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { subscriberId, unsealToken, unsubscribeApp } from '../meta/graph-api.ts';
import { GraphApiError, type GraphClient, GraphNetworkError } from '../meta/graph-client.ts';
import {
  disconnectConnections,
  findConnectionCredentials,
  findConnectionInWorkspace,
  purgeConnections,
} from './connections.repository.ts';

export interface DisconnectDeps {
  db: Database;
  cipher: TokenCipher;
  graph: GraphClient;
}

export interface DisconnectResult {
  /** False when Meta could not be told (the token was already dead); webhooks then stop on their own. */
  unsubscribed: boolean;
  deleted: Record<string, number> | null;
}

export async function disconnectAccount(
  deps: DisconnectDeps,
  actor: Actor,
  request: { workspaceId: string; connectionId: string; deleteHistory: boolean },
): Promise<DisconnectResult> {
  // Read as the admin, under RLS: another workspace's account is simply not found.
  const visible = await deps.db.withUser(actor, (trx) =>
    findConnectionInWorkspace(trx, request.workspaceId, request.connectionId),
  );
  if (!visible) throw new AppError('NOT_FOUND', 'Instagram account not found in this workspace');
  const connection = await deps.db.withService((trx) => findConnectionCredentials(trx, request.connectionId));
  if (!connection) throw new AppError('NOT_FOUND', 'Instagram account not found in this workspace');

  let unsubscribed = false;
  if (connection.accessToken) {
    const token = unsealToken(deps.cipher, connection.id, connection.accessToken);
    // A Page-linked account whose Page is unknown has no subscriber to remove, like a dead token.
    if (subscriberId(connection)) {
      try {
        await unsubscribeApp(deps.graph, connection, token);
        unsubscribed = true;
      } catch (error) {
        if (!(error instanceof GraphApiError || error instanceof GraphNetworkError)) throw error;
      }
    }
  }

  const deleted = await deps.db.withService(async (trx) => {
    if (request.deleteHistory) {
      return purgeConnections(trx, [
        {
          id: connection.id,
          channel_identifier: connection.channelIdentifier,
          provider_account_id: connection.providerAccountId,
        },
      ]);
    }
    await disconnectConnections(trx, [connection.id], null);
    return null;
  });
  return { unsubscribed, deleted };
}
