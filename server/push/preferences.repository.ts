// SQL for a member's notification preferences and mutes. Runs as the operator: RLS limits both
// to the caller's own rows in their own workspaces.
import type { Tx } from '../db/database.ts';
import type { Notify } from './push.schemas.ts';

export async function findNotify(trx: Tx, workspaceId: string, userId: string): Promise<Notify> {
  const row = await trx
    .selectFrom('user_notification_preferences')
    .select('notify')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return (row?.notify as Notify | undefined) ?? 'all';
}

export async function saveNotify(
  trx: Tx,
  workspaceId: string,
  userId: string,
  notify: Notify,
): Promise<void> {
  await trx
    .insertInto('user_notification_preferences')
    .values({ workspace_id: workspaceId, user_id: userId, notify })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ notify }))
    .execute();
}

export async function listMutedConversationIds(
  trx: Tx,
  workspaceId: string,
  userId: string,
): Promise<string[]> {
  const rows = await trx
    .selectFrom('conversation_mutes')
    .select('conversation_id')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .orderBy('conversation_id')
    .execute();
  return rows.map((r) => r.conversation_id);
}

export async function insertMute(
  trx: Tx,
  mute: { workspaceId: string; conversationId: string; userId: string },
): Promise<void> {
  await trx
    .insertInto('conversation_mutes')
    .values({ workspace_id: mute.workspaceId, conversation_id: mute.conversationId, user_id: mute.userId })
    .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doNothing())
    .execute();
}

export async function deleteMute(trx: Tx, conversationId: string, userId: string): Promise<void> {
  await trx
    .deleteFrom('conversation_mutes')
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .execute();
}
