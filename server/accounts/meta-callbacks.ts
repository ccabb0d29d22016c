// Meta's account callbacks (reference §8). Both carry a signed_request naming the app-scoped id
// of the person who authorised the app: deauthorize disconnects their accounts and wipes the
// tokens; data deletion removes everything stored about those accounts and leaves a receipt
// whose status page Meta links to.
import { randomBytes } from 'node:crypto';
import type { Database, Tx } from '../db/database.ts';
import {
  connectionsAuthorisedBy,
  disconnectConnections,
  purgeConnections,
} from './connections.repository.ts';
import { deletionSummaryColumn } from './jsonb-columns.ts';

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
 * `eraseAsContact` erases the person where they are a customer (the privacy slice's erasure,
 * the one an admin uses), in the same transaction.
 */
export async function requestDataDeletion(
  db: Database,
  appScopedUserId: string,
  eraseAsContact: (trx: Tx) => Promise<Record<string, number>>,
): Promise<DeletionReceipt> {
  const confirmationCode = `del${randomBytes(12).toString('hex')}`;
  return db.withService(async (trx) => {
    const accounts = await purgeConnections(trx, await connectionsAuthorisedBy(trx, appScopedUserId));
    const asContact = await eraseAsContact(trx);
    const summary = { ...accounts };
    for (const [key, n] of Object.entries(asContact)) summary[key] = (summary[key] ?? 0) + n;
    await trx
      .insertInto('data_deletion_requests')
      .values({
        confirmation_code: confirmationCode,
        app_scoped_user_id: appScopedUserId,
        status: 'COMPLETED',
        summary: deletionSummaryColumn.encode(summary),
        completed_at: new Date(),
      })
      .execute();
    return { confirmationCode, summary };
  });
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
      summary: deletionSummaryColumn.decode(row.summary),
    }) ??
    null
  );
}
