// A workspace admin chooses what the workspace sends besides replies: Human Agent replies (24 h
// to 7 days), reactions, seen marks and typing indicators.
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { findSendSettings, type SendSettings, updateSendSettings } from './workspaces.repository.ts';

export async function updateWorkspaceSendSettings(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; changes: Partial<SendSettings> },
): Promise<SendSettings> {
  return db.withUser(actor, async (trx) => {
    // RLS lets only owners and admins update a workspace.
    if (!(await updateSendSettings(trx, request.workspaceId, request.changes))) {
      throw new AppError('FORBIDDEN', 'Only workspace owners and admins can change these settings');
    }
    return (await findSendSettings(trx, request.workspaceId)) as SendSettings;
  });
}
