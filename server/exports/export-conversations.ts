// The inbox list as CSV, conversations with their messages: the list's filters and order, then
// each conversation's messages oldest first, one row per message (a conversation without any
// still gets a row, with the message columns empty).
import {
  type ConversationQuery,
  type ConversationSummary,
  conversationFilters,
  countTranscriptRows,
  listConversationPage,
  listTranscriptBatch,
  type TranscriptMessage,
  type TranscriptPosition,
} from '../conversations/index.ts';
import type { Actor, Database } from '../db/database.ts';
import type { PagePosition } from '../db/page-cursor.ts';
import { csvTable, handle } from './csv.ts';
import { type CsvExport, EXPORT_BATCH_SIZE, type ExportOptions } from './export-options.ts';
import type { ExportConversationsQuery } from './exports.schemas.ts';

/**
 * Conversations read per page of the list. Each page's messages are then read in batches; fewer
 * conversations per page keep each batch's query to the messages of a few conversations.
 */
export const CONVERSATIONS_PER_PAGE = 100;

interface TranscriptRow {
  conversation: ConversationSummary;
  message: TranscriptMessage | null;
}

export const CONVERSATIONS_CSV = csvTable<TranscriptRow>([
  { heading: 'Conversation ID', cell: (row) => row.conversation.id },
  { heading: 'Contact name', cell: (row) => row.conversation.contactName },
  { heading: 'Username', cell: (row) => handle(row.conversation.contactUsername) },
  { heading: 'Instagram user ID', cell: (row) => row.conversation.contactIdentifier },
  { heading: 'Account', cell: (row) => handle(row.conversation.accountName) },
  { heading: 'Account ID', cell: (row) => row.conversation.channelConnectionId },
  { heading: 'Conversation status', cell: (row) => row.conversation.status },
  { heading: 'Message ID', cell: (row) => row.message?.id ?? null },
  { heading: 'Message time (UTC)', cell: (row) => row.message?.occurredAt ?? null },
  { heading: 'Direction', cell: (row) => row.message?.direction ?? null },
  { heading: 'Kind', cell: (row) => row.message?.kind ?? null },
  { heading: 'Message status', cell: (row) => row.message?.status ?? null },
  { heading: 'Text', cell: (row) => row.message?.text ?? null },
  { heading: 'Attachment URLs', cell: (row) => row.message?.attachmentUrls.join(' ') ?? null },
  { heading: 'Edited', cell: (row) => row.message?.edited ?? null },
  { heading: 'Unsent', cell: (row) => row.message?.unsent ?? null },
]);

/** The rows of one page of conversations, a batch of messages at a time. */
async function* pageChunks(
  db: Database,
  actor: Actor,
  conversations: ConversationSummary[],
  options: ExportOptions & { now: Date; limit: number },
): AsyncGenerator<string> {
  const conversationIds = conversations.map((c) => c.id);
  // The last conversation (by its place in the page, from 1) whose rows have been written.
  let reached = 0;
  const upTo = (place: number, rows: TranscriptRow[]) => {
    // Conversations passed over had no message: each still gets its row, in its place.
    for (reached++; reached < place; reached++) {
      const conversation = conversations[reached - 1];
      if (conversation) rows.push({ conversation, message: null });
    }
  };
  let after: TranscriptPosition | null = null;
  do {
    const batch = await db.withUser(actor, (trx) =>
      listTranscriptBatch(trx, { conversationIds, after, limit: options.limit, now: options.now }),
    );
    options.onRead?.(batch.items.length);
    const rows: TranscriptRow[] = [];
    for (const message of batch.items) {
      if (message.conversation > reached) upTo(message.conversation, rows);
      const conversation = conversations[message.conversation - 1];
      if (conversation) rows.push({ conversation, message });
    }
    if (!batch.next) upTo(conversations.length + 1, rows);
    if (rows.length > 0) yield CONVERSATIONS_CSV.rows(rows);
    after = batch.next;
  } while (after);
}

async function* conversationChunks(
  db: Database,
  actor: Actor,
  query: ConversationQuery,
  options: ExportOptions,
): AsyncGenerator<string> {
  const settings = {
    ...options,
    now: options.now ?? new Date(),
    limit: options.batchSize ?? EXPORT_BATCH_SIZE,
  };
  yield CONVERSATIONS_CSV.header();
  let after: PagePosition | null = null;
  do {
    const page = await db.withUser(actor, (trx) =>
      listConversationPage(trx, { ...query, after, limit: CONVERSATIONS_PER_PAGE }),
    );
    if (page.items.length > 0) yield* pageChunks(db, actor, page.items, settings);
    after = page.next;
  } while (after);
}

/** The workspace's conversations the inbox lists for `filters`, with their messages, as CSV (RLS). */
export async function exportConversations(
  db: Database,
  actor: Actor,
  workspaceId: string,
  filters: ExportConversationsQuery,
  options: ExportOptions = {},
): Promise<CsvExport> {
  const query: ConversationQuery = {
    workspaceId,
    status: filters.status,
    filters: conversationFilters(actor, filters),
  };
  const total = await db.withUser(actor, (trx) => countTranscriptRows(trx, query));
  return { total, chunks: conversationChunks(db, actor, query, options) };
}
