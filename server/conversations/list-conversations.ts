import type { Actor, Database } from '../db/database.ts';
import { decodePageCursor, encodePageCursor } from '../db/page-cursor.ts';
import {
  type ConversationStatus,
  type ConversationSummary,
  listConversationPage,
} from './conversations.repository.ts';

export interface ListConversationsInput {
  workspaceId: string;
  status: ConversationStatus;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor: string | null;
  limit: number;
  filters: { accountId?: string; unreadOnly?: boolean; assignedToMe?: boolean; search?: string };
}

export interface ConversationList {
  items: ConversationSummary[];
  nextCursor: string | null;
}

/** One page of a workspace's conversations, most recent first. */
export async function listConversations(
  db: Database,
  actor: Actor,
  input: ListConversationsInput,
): Promise<ConversationList> {
  const after = input.cursor === null ? null : decodePageCursor(input.cursor);
  const page = await db.withUser(actor, (trx) =>
    listConversationPage(trx, {
      workspaceId: input.workspaceId,
      status: input.status,
      after,
      limit: input.limit,
      filters: {
        accountId: input.filters.accountId,
        unreadOnly: input.filters.unreadOnly,
        assignedTo: input.filters.assignedToMe ? actor.userId : undefined,
        search: input.filters.search?.trim() || undefined,
      },
    }),
  );
  return {
    items: page.items,
    nextCursor: page.next && encodePageCursor(page.next),
  };
}
