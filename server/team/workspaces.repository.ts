// SQL for workspaces, memberships and operator profiles. Runs inside withUser(), so every query
// is also filtered by the row-level security policies.
import type { Kysely } from 'kysely';
import type { DB, Tx } from '../db/database.ts';

export type WorkspaceRole = 'owner' | 'admin' | 'agent';

export interface WorkspaceSummary {
  id: string;
  name: string;
  role: WorkspaceRole;
  humanAgentEnabled: boolean;
}

export interface OperatorProfile {
  id: string;
  email: string;
  displayName: string | null;
}

export async function findProfile(trx: Tx, userId: string): Promise<OperatorProfile | undefined> {
  const row = await trx
    .selectFrom('profiles')
    .select(['id', 'email', 'display_name'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return row && { id: row.id, email: row.email, displayName: row.display_name };
}

/** A user's memberships; under withUser() RLS applies, on the server's own connection the user id is the filter. */
export function memberships(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name', 'w.human_agent_enabled', 'm.role'])
    .where('m.user_id', '=', userId);
}

type MembershipRow = Awaited<ReturnType<ReturnType<typeof memberships>['executeTakeFirstOrThrow']>>;

export function toWorkspaceSummary(row: MembershipRow): WorkspaceSummary {
  return { id: row.id, name: row.name, role: row.role, humanAgentEnabled: row.human_agent_enabled };
}

export async function listMemberships(trx: Tx, userId: string): Promise<WorkspaceSummary[]> {
  const rows = await memberships(trx, userId).orderBy('w.created_at').orderBy('w.id').execute();
  return rows.map(toWorkspaceSummary);
}

export async function findMembership(
  trx: Tx,
  workspaceId: string,
  userId: string,
): Promise<WorkspaceSummary | undefined> {
  const row = await memberships(trx, userId).where('w.id', '=', workspaceId).executeTakeFirst();
  return row && toWorkspaceSummary(row);
}

/** No RETURNING: the new row is invisible to its creator until the owner trigger has run. */
export async function insertWorkspace(
  trx: Tx,
  workspace: { id: string; name: string; createdBy: string },
): Promise<void> {
  await trx
    .insertInto('workspaces')
    .values({ id: workspace.id, name: workspace.name, created_by: workspace.createdBy })
    .execute();
}

/** What a workspace sends to customers besides replies (all off unless an admin turns them on). */
export interface SendSettings {
  humanAgentEnabled: boolean;
  reactionsEnabled: boolean;
  seenEnabled: boolean;
  typingEnabled: boolean;
}

const SEND_SETTING_COLUMNS = {
  humanAgentEnabled: 'human_agent_enabled',
  reactionsEnabled: 'send_reactions_enabled',
  seenEnabled: 'send_seen_enabled',
  typingEnabled: 'send_typing_enabled',
} as const;

export async function findSendSettings(trx: Tx, workspaceId: string): Promise<SendSettings | undefined> {
  const row = await trx
    .selectFrom('workspaces')
    .select(Object.values(SEND_SETTING_COLUMNS))
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return (
    row && {
      humanAgentEnabled: row.human_agent_enabled,
      reactionsEnabled: row.send_reactions_enabled,
      seenEnabled: row.send_seen_enabled,
      typingEnabled: row.send_typing_enabled,
    }
  );
}

/** Under RLS only admins match; returns false when nothing was updated. */
export async function updateSendSettings(
  trx: Tx,
  workspaceId: string,
  changes: Partial<SendSettings>,
): Promise<boolean> {
  const set = Object.fromEntries(
    Object.entries(changes).map(([key, value]) => [SEND_SETTING_COLUMNS[key as keyof SendSettings], value]),
  );
  if (Object.keys(set).length === 0) return true;
  const result = await trx
    .updateTable('workspaces')
    .set(set)
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** How long a workspace keeps its messages (null: forever) and its raw webhook deliveries. */
export interface RetentionPolicy {
  messageDays: number | null;
  deliveryDays: number;
}

export async function findRetentionPolicy(
  trx: Tx,
  workspaceId: string,
): Promise<RetentionPolicy | undefined> {
  const row = await trx
    .selectFrom('workspaces')
    .select(['message_retention_days', 'delivery_retention_days'])
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row && { messageDays: row.message_retention_days, deliveryDays: row.delivery_retention_days };
}

/** Every workspace's policy: what the daily purge goes through. */
export async function listRetentionPolicies(trx: Tx): Promise<(RetentionPolicy & { workspaceId: string })[]> {
  const rows = await trx
    .selectFrom('workspaces')
    .select(['id', 'message_retention_days', 'delivery_retention_days'])
    .execute();
  return rows.map((row) => ({
    workspaceId: row.id,
    messageDays: row.message_retention_days,
    deliveryDays: row.delivery_retention_days,
  }));
}

/** Under RLS only admins match; returns false when nothing was updated. */
export async function updateRetentionPolicy(
  trx: Tx,
  workspaceId: string,
  policy: Partial<RetentionPolicy>,
): Promise<boolean> {
  const result = await trx
    .updateTable('workspaces')
    .set({
      ...(policy.messageDays !== undefined ? { message_retention_days: policy.messageDays } : {}),
      ...(policy.deliveryDays !== undefined ? { delivery_retention_days: policy.deliveryDays } : {}),
    })
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
