import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';

/**
 * The workspace's account, under RLS (the caller's workspaces; owners' and admins' only when
 * `adminsOnly`): undefined when it is not theirs to read or change.
 */
export async function findWorkspaceAccount(
  trx: Tx,
  request: { workspaceId: string; accountId: string; adminsOnly: boolean },
): Promise<{ id: string; displayName: string | null } | undefined> {
  let query = trx
    .selectFrom('channel_connections')
    .select(['id', 'display_name'])
    .where('id', '=', request.accountId)
    .where('workspace_id', '=', request.workspaceId);
  if (request.adminsOnly) {
    query = query.where('workspace_id', 'in', sql<string>`(select private.my_admin_workspace_ids())`);
  }
  const row = await query.executeTakeFirst();
  return row && { id: row.id, displayName: row.display_name };
}
