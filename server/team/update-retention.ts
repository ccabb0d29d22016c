// A workspace admin sets how long messages (forever, or a number of days) and raw webhook
// deliveries are kept; the daily purge applies it.
import { recordOwnAudit } from '../audit/index.ts';
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
    const before = await findRetentionPolicy(trx, request.workspaceId);
    if (!(await updateRetentionPolicy(trx, request.workspaceId, request.policy))) {
      throw new AppError('FORBIDDEN', 'Only workspace owners and admins can change how long data is kept');
    }
    const after = (await findRetentionPolicy(trx, request.workspaceId)) as RetentionPolicy;
    await recordOwnAudit(trx, {
      workspaceId: request.workspaceId,
      action: 'retention.change',
      target: null,
      detail: {
        messageDaysBefore: before?.messageDays ?? null,
        messageDays: after.messageDays,
        deliveryDaysBefore: before?.deliveryDays ?? null,
        deliveryDays: after.deliveryDays,
      },
    });
    return after;
  });
}
