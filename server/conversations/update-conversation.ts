// An operator archives or reopens a conversation, or assigns it (to a member of the workspace)
// or unassigns it.
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { type ConversationStatus, updateConversationState } from './conversations.repository.ts';

/** The key that makes every assignee a member of the conversation's workspace. */
const ASSIGNEE_IS_MEMBER = 'conversations_assignee_is_member';

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
    // The database refuses an assignee who is not a member (for direct clients too, and for
    // someone removed while this request runs); the app only words the refusal.
    const updated = await updateConversationState(trx, request.workspaceId, request.conversationId, {
      status: request.status,
      assignedTo: request.assignedTo,
    }).catch((error: unknown) => {
      if ((error as { constraint?: string }).constraint === ASSIGNEE_IS_MEMBER) {
        throw new AppError('BAD_INPUT', 'Conversations can only be assigned to members of the workspace');
      }
      throw error;
    });
    if (!updated) throw new AppError('NOT_FOUND', 'Conversation not found in this workspace');
  });
}
