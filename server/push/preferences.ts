// What a member wants to hear about in a workspace, and the conversations they muted. Set as the
// member, under RLS (decision 014: the app writes nothing here the member could not).
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import {
  deleteMute,
  findNotify,
  insertMute,
  listMutedConversationIds,
  saveNotify,
} from './preferences.repository.ts';
import type { Notify, Preferences } from './push.schemas.ts';

export function readPreferences(db: Database, actor: Actor, workspaceId: string): Promise<Preferences> {
  return db.withUser(actor, async (trx) => ({
    notify: await findNotify(trx, workspaceId, actor.userId),
    mutedConversationIds: await listMutedConversationIds(trx, workspaceId, actor.userId),
  }));
}

export async function updatePreferences(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; notify: Notify },
): Promise<Preferences> {
  await db.withUser(actor, (trx) => saveNotify(trx, request.workspaceId, actor.userId, request.notify));
  return readPreferences(db, actor, request.workspaceId);
}

/** The conversation's key and membership refuse a conversation of another workspace. */
const FOREIGN_KEYS = new Set(['conversation_mutes_conversation_id_workspace_id_fkey']);

export async function muteConversation(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; conversationId: string },
): Promise<void> {
  await db
    .withUser(actor, (trx) => insertMute(trx, { ...request, userId: actor.userId }))
    .catch((error: unknown) => {
      if (FOREIGN_KEYS.has((error as { constraint?: string }).constraint ?? '')) {
        throw new AppError('NOT_FOUND', 'Conversation not found in this workspace');
      }
      throw error;
    });
}

export async function unmuteConversation(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; conversationId: string },
): Promise<void> {
  await db.withUser(actor, (trx) => deleteMute(trx, request.conversationId, actor.userId));
}
