// What the conversation view shows: the customer, the account, the messaging window the composer
// enforces, and the thread a page at a time (newest first). Read under RLS.
import type { Actor, Database } from '../db/database.ts';
import { decodePageCursor, encodePageCursor, pageOf } from '../db/page-cursor.ts';
import { AppError } from '../errors.ts';
import { findReplyContext } from './conversations.repository.ts';
import { messagingWindow } from './messaging-window.ts';
import { listThreadPage } from './thread.repository.ts';
import { type ThreadMessageView, threadMessageView } from './thread-message-view.ts';

export interface ConversationView {
  contact: { id: string; name: string; username: string | null; avatar: string | null };
  accountName: string | null;
  status: 'ACTIVE' | 'ARCHIVED';
  assignedTo: string | null;
  /** The teammate the conversation is assigned to, by name. */
  assignee: { id: string; name: string } | null;
  assignedToMe: boolean;
  window: { kind: 'standard' | 'human_agent'; closesAt: string } | { kind: 'closed'; reason: string };
  messages: ThreadMessageView[];
  nextCursor: string | null;
}

export async function readConversation(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; conversationId: string; cursor: string | null; limit: number },
): Promise<ConversationView> {
  return db.withUser(actor, async (trx) => {
    const context = await findReplyContext(trx, request.workspaceId, request.conversationId);
    if (!context) throw new AppError('NOT_FOUND', 'Conversation not found in this workspace');
    const rows = await listThreadPage(
      trx,
      context.conversationId,
      request.cursor ? decodePageCursor(request.cursor) : null,
      request.limit + 1,
    );
    const page = pageOf(rows, request.limit);
    const now = new Date();
    const window = messagingWindow({
      lastInboundAt: context.lastInboundAt,
      now,
      humanAgentEnabled: context.humanAgentEnabled,
      sentByHuman: true,
      commented: context.hasComments,
    });
    return {
      contact: {
        id: context.contactId,
        name: context.contactName,
        username: context.contactUsername,
        avatar: context.contactAvatar,
      },
      accountName: context.accountName,
      status: context.status,
      assignedTo: context.assignedTo,
      assignee:
        context.assignedTo && context.assigneeName
          ? { id: context.assignedTo, name: context.assigneeName }
          : null,
      assignedToMe: context.assignedTo === actor.userId,
      window:
        window.kind === 'closed' ? window : { kind: window.kind, closesAt: window.closesAt.toISOString() },
      nextCursor: page.next && encodePageCursor(page.next),
      messages: page.rows.map((row) => threadMessageView(row, now)),
    };
  });
}
