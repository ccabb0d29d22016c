// Messages by id, as the thread shows them and with their conversation: what a mobile app fetches
// after a live event names a message, or when it catches up after being offline. Read under RLS.
import type { Actor, Database, Tx } from '../db/database.ts';
import { findThreadMessages } from './thread.repository.ts';
import { type ThreadMessageView, threadMessageView } from './thread-message-view.ts';

export interface MessageView extends ThreadMessageView {
  conversationId: string;
}

/** The messages of `ids` the workspace still holds (and the caller may read), oldest first. */
export async function findMessageViews(
  trx: Tx,
  workspaceId: string,
  ids: readonly string[],
): Promise<MessageView[]> {
  const now = new Date();
  const rows = await findThreadMessages(trx, workspaceId, ids);
  return rows.map((row) => ({ ...threadMessageView(row, now), conversationId: row.conversation_id }));
}

export async function readMessages(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; ids: readonly string[] },
): Promise<{ messages: MessageView[]; missing: string[] }> {
  const messages = await db.withUser(actor, (trx) => findMessageViews(trx, request.workspaceId, request.ids));
  const found = new Set(messages.map((m) => m.id));
  return { messages, missing: [...new Set(request.ids)].filter((id) => !found.has(id)) };
}
