// An operator archives or reopens a conversation, or assigns it (to a member of the workspace)
// or unassigns it.
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { type ConversationStatus, updateConversationState } from './conversations.repository.ts';
import { findMembership } from './workspaces.repository.ts';

export async function updateConversation(
  db: Database,
  actor: Actor,
  request: {
    workspaceId: string;
    conversationId: string;
    status?: ConversationStatus;
    assignedTo?: string | null;
  },
): Promise<void> {
  await db.withUser(actor, async (trx) => {
    if (request.assignedTo && !(await findMembership(trx, request.workspaceId, request.assignedTo))) {
      throw new AppError('BAD_INPUT', 'Conversations can only be assigned to members of the workspace');
    }
    const updated = await updateConversationState(trx, request.workspaceId, request.conversationId, {
      status: request.status,
      assignedTo: request.assignedTo,
    });
    if (!updated) throw new AppError('NOT_FOUND', 'Conversation not found in this workspace');
  });
}
