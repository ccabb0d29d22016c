import type { Actor, Database } from '../db/database.ts';
import { decodePageCursor, encodePageCursor } from '../db/page-cursor.ts';
import {
  type ConversationFilters,
  type ConversationStatus,
  type ConversationSummary,
  listConversationPage,
} from './conversations.repository.ts';

/** The list's filters as an operator sets them (the search as typed). */
export interface ConversationListFilters {
  accountId?: string;
  unreadOnly?: boolean;
  assignedToMe?: boolean;
  holds?: 'comments' | 'messages';
  search?: string;
  /** Only these conversations (a live update of the rows on screen). */
  ids?: string[];
}

export interface ListConversationsInput {
  workspaceId: string;
  status: ConversationStatus;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor: string | null;
  limit: number;
  filters: ConversationListFilters;
}

export interface ConversationList {
  items: ConversationSummary[];
  nextCursor: string | null;
}

/**
 * The filters the query applies for `actor`: "assigned to me" is theirs, the search trimmed.
 * Exports narrow by the same function, so they match the list.
 */
export function conversationFilters(actor: Actor, filters: ConversationListFilters): ConversationFilters {
  return {
    accountId: filters.accountId,
    unreadOnly: filters.unreadOnly,
    assignedTo: filters.assignedToMe ? actor.userId : undefined,
    holds: filters.holds,
    search: filters.search?.trim() || undefined,
    ids: filters.ids,
  };
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
      // All of the conversations named, if they match: one page.
      limit: input.filters.ids?.length ?? input.limit,
      filters: conversationFilters(actor, input.filters),
    }),
  );
  return {
    items: page.items,
    nextCursor: page.next && encodePageCursor(page.next),
  };
}
