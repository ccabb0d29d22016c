// Each account's latest backfill and reconciliation as the Accounts card and Health show them: what was found so far, how much of
// the span is covered, and how long the rest may take.
import type { Actor, Database } from '../db/database.ts';
import { countMessagesFirstSeen } from '../ingest/index.ts';
import { latestImports } from './history-imports.repository.ts';

export interface HistoryImportView {
  id: string;
  connectionId: string;
  kind: 'BACKFILL' | 'RECONCILE';
  status: 'RUNNING' | 'DONE' | 'FAILED';
  since: string;
  conversations: number;
  /** Messages found at Meta. */
  messages: number;
  /** Of those, the ones the inbox did not hold (so far): for a reconciliation, those it recovered. */
  newMessages: number;
  /** What was wrong with Meta's webhook subscription, which the import put right. */
  subscriptionProblem: string | null;
  resubscribedAt: string | null;
  errorCount: number;
  lastError: string | null;
  /** The oldest activity reached: conversations come most recently active first. */
  reachedBackTo: string | null;
  /** How much of the span is covered, 0 to 1. */
  progress: number;
  /**
   * Seconds left if the rest of the span is as busy as what is done: an upper bound, as customers
   * write more in recent days than long ago. Null until there is a pace, or when it is over.
   */
  secondsLeft: number | null;
  startedAt: string;
  finishedAt: string | null;
}

/**
 * The imports are read as the operator (RLS); what they brought, from the server-only ledger, for
 * those imports only.
 */
export async function listHistoryImports(
  db: Database,
  actor: Actor,
  workspaceId: string,
): Promise<HistoryImportView[]> {
  const rows = await db.withUser(actor, (trx) => latestImports(trx, workspaceId));
  const brought = await db.withService((trx) =>
    countMessagesFirstSeen(
      trx,
      rows.map((row) => row.id),
    ),
  );
  const now = Date.now();
  return rows.map((row) => {
    const span = row.started_at.getTime() - row.since.getTime();
    const covered = row.reached_back_to ? row.started_at.getTime() - row.reached_back_to.getTime() : 0;
    const progress = row.status === 'RUNNING' ? Math.min(1, Math.max(0, span > 0 ? covered / span : 0)) : 1;
    const elapsed = now - row.started_at.getTime();
    const secondsLeft =
      row.status === 'RUNNING' && progress > 0
        ? Math.round((elapsed * (1 - progress)) / progress / 1000)
        : null;
    return {
      id: row.id,
      connectionId: row.channel_connection_id,
      kind: row.kind,
      status: row.status,
      since: row.since.toISOString(),
      conversations: row.conversations_seen,
      messages: row.messages_found,
      newMessages: brought.get(row.id) ?? 0,
      subscriptionProblem: row.subscription_problem,
      resubscribedAt: row.resubscribed_at?.toISOString() ?? null,
      errorCount: row.error_count,
      lastError: row.last_error,
      reachedBackTo: row.reached_back_to?.toISOString() ?? null,
      progress,
      secondsLeft,
      startedAt: row.started_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
    };
  });
}
