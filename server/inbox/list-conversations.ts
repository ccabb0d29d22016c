import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
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
  const after = input.cursor === null ? null : decodeCursor(input.cursor);
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
  return { items: page.items, nextCursor: page.next && encodeCursor(page.next) };
}

function encodeCursor(position: { lastMessageAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([position.lastMessageAt, position.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): { lastMessageAt: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      UUID.test(value[1])
    ) {
      return { lastMessageAt: value[0], id: value[1] };
    }
  } catch {
    // reported below
  }
  throw new AppError('BAD_INPUT', 'cursor is not a value returned by a previous page');
}
