// Meta's account callbacks (reference §8). Both carry a signed_request naming the app-scoped id
// of the person who authorised the app: deauthorize disconnects their accounts and wipes the
// tokens; data deletion removes everything stored about those accounts and leaves a receipt
// whose status page Meta links to.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Database, Tx } from '../db/database.ts';

async function connectionsAuthorisedBy(trx: Tx, appScopedUserId: string) {
  return trx
    .selectFrom('channel_connections')
    .select(['id', 'channel_identifier', 'provider_account_id'])
    .where((eb) =>
      eb.or([
        eb('authorizing_user_id', '=', appScopedUserId),
        eb('provider_account_id', '=', appScopedUserId),
      ]),
    )
    .execute();
}

/** Stops accounts and wipes their tokens; their conversations stay. */
export async function disconnectConnections(trx: Tx, ids: string[], reason: string | null): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('channel_connections')
    .set({
      status: 'DISCONNECTED',
      is_active: false,
      access_token: null,
      refresh_token: null,
      token_expires_at: null,
      needs_reauth_reason: reason,
      disconnected_at: new Date(),
    })
    .where('id', 'in', ids)
    .execute();
}

/** The person removed the app in Instagram/Facebook: their accounts stop, their tokens go. */
export async function deauthorize(db: Database, appScopedUserId: string): Promise<number> {
  return db.withService(async (trx) => {
    const connections = await connectionsAuthorisedBy(trx, appScopedUserId);
    await disconnectConnections(
      trx,
      connections.map((c) => c.id),
      'Access was removed in Instagram (deauthorized). Connect the account again to resume.',
    );
    return connections.length;
  });
}

export interface DeletionReceipt {
  confirmationCode: string;
  summary: Record<string, number>;
}

/**
 * Deletes the accounts the person authorised and everything stored about them: conversations,
 * messages, leads, contacts, parsed events, and the raw webhook deliveries that named only them.
 */
export async function requestDataDeletion(db: Database, appScopedUserId: string): Promise<DeletionReceipt> {
  const confirmationCode = `del${randomBytes(12).toString('hex')}`;
  return db.withService(async (trx) => {
    const summary = await purgeConnections(trx, await connectionsAuthorisedBy(trx, appScopedUserId));
    await trx
      .insertInto('data_deletion_requests')
      .values({
        confirmation_code: confirmationCode,
        app_scoped_user_id: appScopedUserId,
        status: 'COMPLETED',
        summary: JSON.stringify(summary),
        completed_at: new Date(),
      })
      .execute();
    return { confirmationCode, summary };
  });
}

/**
 * Deletes accounts and everything stored about them: conversations, messages, leads, contacts,
 * parsed events, and the raw webhook deliveries that named only them. Returns what went.
 */
export async function purgeConnections(
  trx: Tx,
  connections: { id: string; channel_identifier: string; provider_account_id: string | null }[],
): Promise<Record<string, number>> {
  const ids = connections.map((c) => c.id);
  const accountIds = connections.flatMap((c) => [
    c.channel_identifier,
    ...(c.provider_account_id ? [c.provider_account_id] : []),
  ]);
  const count = async (table: 'conversations' | 'conversation_messages' | 'leads' | 'contacts') =>
    ids.length === 0
      ? 0
      : Number(
          (
            await trx
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .where('channel_connection_id', 'in', ids)
              .executeTakeFirstOrThrow()
          ).n,
        );
  const summary: Record<string, number> = {
    accounts: ids.length,
    conversations: await count('conversations'),
    messages: await count('conversation_messages'),
    leads: await count('leads'),
    contacts: await count('contacts'),
  };
  if (ids.length === 0) return summary;
  summary.events = Number(
    (await trx.deleteFrom('instagram_events').where('channel_connection_id', 'in', ids).executeTakeFirst())
      .numDeletedRows,
  );
  // Raw deliveries that concern only these accounts (a batch naming others is kept for them).
  summary.deliveries = Number(
    (
      await trx
        .deleteFrom('webhook_events')
        .where(sql<boolean>`account_ids <@ ${accountIds}::text[]`)
        .where(sql<boolean>`cardinality(account_ids) > 0`)
        .executeTakeFirst()
    ).numDeletedRows,
  );
  // Conversations, messages, leads and contacts go with their connection (ON DELETE CASCADE).
  await trx.deleteFrom('channel_connections').where('id', 'in', ids).execute();
  return summary;
}

export interface DeletionStatus {
  confirmationCode: string;
  status: 'RECEIVED' | 'COMPLETED';
  requestedAt: string;
  completedAt: string | null;
  summary: Record<string, number>;
}

export async function findDeletionStatus(
  db: Database,
  confirmationCode: string,
): Promise<DeletionStatus | null> {
  const row = await db.withService((trx) =>
    trx
      .selectFrom('data_deletion_requests')
      .select(['confirmation_code', 'status', 'requested_at', 'completed_at', 'summary'])
      .where('confirmation_code', '=', confirmationCode)
      .executeTakeFirst(),
  );
  return (
    (row && {
      confirmationCode: row.confirmation_code,
      status: row.status as DeletionStatus['status'],
      requestedAt: row.requested_at.toISOString(),
      completedAt: row.completed_at?.toISOString() ?? null,
      summary: row.summary as Record<string, number>,
    }) ??
    null
  );
}
