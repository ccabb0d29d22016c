// Shared by the history import tests: seeded histories, what an import must bring from them, and
// waiting for an import to be over with everything it stored ingested.
import type { HistoryConversation, SeededConversation } from '../meta/history.ts';
import type { MetaSimulator } from '../meta/simulator.ts';
import type { TestDatabase } from './database.ts';
import { eventually } from './eventually.ts';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/**
 * A history of `count` conversations of `messages` each (who wrote and what drawn from the seed),
 * the most recent `newest` ago, then one every `spacing` before it.
 */
export function historyOf(
  count: number,
  options: { spacing: number; messages?: number; newest?: number },
): HistoryConversation[] {
  const { spacing, messages = 3, newest = MINUTE } = options;
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    messages: Array.from({ length: messages }, (_, j) => ({
      timestamp: now - newest - i * spacing - (messages - 1 - j) * 1000,
    })),
  }));
}

/** What an import since `since` must bring: each conversation's 20 newest messages, within the span. */
export function expectedImport(seeded: SeededConversation[], since: number): SeededConversation[] {
  return seeded
    .map((conversation) => ({
      ...conversation,
      messages: [...conversation.messages]
        .sort((a, b) => b.timestamp - a.timestamp)
        .slice(0, 20)
        .filter((message) => message.timestamp >= since),
    }))
    .filter((conversation) => conversation.messages.length > 0);
}

export interface ImportOutcome {
  status: string;
  conversations_seen: number;
  messages_found: number;
  error_count: number;
}

/** Until the import is over and every conversation it stored is ingested. */
export async function importSettled(
  database: TestDatabase,
  importId: string,
  timeoutMs = 60_000,
): Promise<ImportOutcome> {
  return eventually(async () => {
    const { rows } = await database.query<ImportOutcome & Record<string, unknown>>(
      `select status, conversations_seen, messages_found, error_count from history_imports
       where id = $1 and status <> 'RUNNING'
         and not exists (select 1 from webhook_events where status = 'RECEIVED')`,
      [importId],
    );
    return rows[0];
  }, timeoutMs);
}

/** The messages the inbox holds for the connection. */
export async function inboxOf(database: TestDatabase, connectionId: string) {
  const { rows } = await database.query<{ contact: string; mid: string }>(
    `select c.contact_identifier as contact, m.external_message_id as mid
     from conversation_messages m join conversations c on c.id = m.conversation_id
     where m.channel_connection_id = $1`,
    [connectionId],
  );
  return rows;
}

/** How many times the simulator answered a fetch of one of these conversations. */
export function conversationFetches(meta: MetaSimulator, conversations: SeededConversation[]): number {
  const ids = new Set(conversations.map((c) => encodeURIComponent(c.conversationId)));
  return meta.graphRequests().filter((r) => r.status === 200 && ids.has(r.path.split('/').at(-1) ?? ''))
    .length;
}

/** An import as it ended, with the messages it brought that the inbox did not hold. */
export async function importOutcome(database: TestDatabase, importId: string) {
  const { rows } = await database.query<{
    kind: string;
    status: string;
    conversations: number;
    new_messages: number;
    subscription_problem: string | null;
    resubscribed: boolean;
  }>(
    `select kind, status, conversations_seen as conversations, subscription_problem,
            resubscribed_at is not null as resubscribed,
            (select count(*)::int from webhook_events w join instagram_events e on e.webhook_event_id = w.id
             where w.history_import_id = i.id and e.kind = 'message' and e.status = 'APPLIED') as new_messages
     from history_imports i where id = $1`,
    [importId],
  );
  return rows[0];
}

/**
 * How long ago to write a message that an import starting now must take: older than the window
 * it leaves to webhooks still in flight (30 s), yet within a reconciliation's overlap (a minute)
 * of a look taken just before it was written.
 */
export const SETTLED_AGO = 45_000;
