// A workspace admin sets how long messages (forever, or a number of days) and raw webhook
// deliveries are kept; the daily purge applies it.
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { findRetentionPolicy, type RetentionPolicy, updateRetentionPolicy } from './workspaces.repository.ts';

export async function updateWorkspaceRetention(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; policy: Partial<RetentionPolicy> },
): Promise<RetentionPolicy> {
  return db.withUser(actor, async (trx) => {
    // RLS lets only owners and admins update a workspace.
    if (!(await updateRetentionPolicy(trx, request.workspaceId, request.policy))) {
      throw new AppError('FORBIDDEN', 'Only workspace owners and admins can change how long data is kept');
    }
    return (await findRetentionPolicy(trx, request.workspaceId)) as RetentionPolicy;
  });
}
