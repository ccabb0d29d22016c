// SQL for history_imports: one row per import of an account's past conversations, where it stands
// (the next page, how many pages are done) and what it found. Written by the server only; members
// read their workspace's through RLS.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { recentFetchesColumn } from './jsonb-columns.ts';

export type ImportKind = 'BACKFILL' | 'RECONCILE';

export interface RunningImport {
  id: string;
  workspaceId: string;
  connectionId: string;
  kind: ImportKind;
  since: Date;
  startedAt: Date;
  catchingUp: boolean;
  nextPage: string | null;
  pagesDone: number;
  failuresInARow: number;
  /** Conversations the first pass fetched that were active since the import began: id → when. */
  recentFetches: Record<string, number>;
}

/**
 * Starts an import of the account's conversations since `since`, unless one is running already:
 * the running one is returned then, and `started` is false.
 */
export async function startImport(
  trx: Tx,
  values: {
    workspaceId: string;
    connectionId: string;
    kind: ImportKind;
    since: Date;
    requestedBy: string | null;
  },
): Promise<{ id: string; started: boolean }> {
  const inserted = await trx
    .insertInto('history_imports')
    .values({
      workspace_id: values.workspaceId,
      channel_connection_id: values.connectionId,
      kind: values.kind,
      since: values.since,
      requested_by: values.requestedBy,
    })
    .onConflict((oc) => oc.column('channel_connection_id').where('status', '=', 'RUNNING').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, started: true };
  const running = await trx
    .selectFrom('history_imports')
    .select('id')
    .where('channel_connection_id', '=', values.connectionId)
    .where('status', '=', 'RUNNING')
    .executeTakeFirstOrThrow();
  return { id: running.id, started: false };
}

/** When the account's conversations were last looked at: the start of its latest completed import. */
export async function lastLookedAt(trx: Tx, connectionId: string): Promise<Date | null> {
  const row = await trx
    .selectFrom('history_imports')
    .select((eb) => eb.fn.max('started_at').as('at'))
    .where('channel_connection_id', '=', connectionId)
    .where('status', '=', 'DONE')
    .executeTakeFirst();
  return row?.at ?? null;
}

export async function findRunningImport(trx: Tx, id: string): Promise<RunningImport | undefined> {
  const row = await trx
    .selectFrom('history_imports')
    .select([
      'id',
      'workspace_id',
      'channel_connection_id',
      'kind',
      'since',
      'started_at',
      'catching_up',
      'next_page',
      'pages_done',
      'failures_in_a_row',
      'recent_fetches',
    ])
    .where('id', '=', id)
    .where('status', '=', 'RUNNING')
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      workspaceId: row.workspace_id,
      connectionId: row.channel_connection_id,
      kind: row.kind,
      since: row.since,
      startedAt: row.started_at,
      catchingUp: row.catching_up,
      nextPage: row.next_page,
      pagesDone: row.pages_done,
      failuresInARow: row.failures_in_a_row,
      recentFetches: recentFetchesColumn.decode(row.recent_fetches),
    }
  );
}

export interface PageResult {
  /** The page this run did: only the run that finds the import at this page may record it. */
  page: number;
  nextPage: string | null;
  /** The pass reached its end: the import is done, or starts catching up. */
  passDone: boolean;
  reachedBackTo: Date | null;
  conversations: number;
  messages: number;
  /** Conversations fetched that were active since the import began: id → when fetched. */
  recentFetches: Record<string, number>;
  errors: string[];
}

/**
 * Records a page: the import goes on, starts catching up (its first pass is done), or is done
 * (its catch-up is). Undefined when another run recorded this page first: the caller undoes its work.
 */
export async function recordPage(
  trx: Tx,
  importId: string,
  result: PageResult,
): Promise<'more' | 'done' | undefined> {
  const done = sql<boolean>`${result.passDone} and catching_up`;
  const row = await trx
    .updateTable('history_imports')
    .set((eb) => ({
      next_page: result.passDone ? null : result.nextPage,
      catching_up: result.passDone ? true : eb.ref('catching_up'),
      pages_done: result.page + 1,
      failures_in_a_row: 0,
      reached_back_to: result.reachedBackTo
        ? sql<Date>`least(reached_back_to, ${result.reachedBackTo})`.$castTo<Date>()
        : eb.ref('reached_back_to'),
      // What the catch-up takes again was counted by the first pass.
      conversations_seen: sql<number>`conversations_seen + case when catching_up then 0 else ${result.conversations} end`,
      messages_found: sql<number>`messages_found + ${result.messages}`,
      recent_fetches: sql`recent_fetches || ${recentFetchesColumn.encode(result.recentFetches)}::jsonb`,
      error_count: sql<number>`error_count + ${result.errors.length}`,
      last_error: result.errors.at(-1) ?? eb.ref('last_error'),
      status: sql<'RUNNING' | 'DONE'>`case when ${done} then 'DONE' else 'RUNNING' end`,
      finished_at: sql<Date | null>`case when ${done} then now() end`,
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', importId)
    .where('status', '=', 'RUNNING')
    .where('pages_done', '=', result.page)
    .returning('status')
    .executeTakeFirst();
  return row && (row.status === 'DONE' ? 'done' : 'more');
}

/** Meta had stopped sending the account's webhooks, and the import subscribed the app again. */
export async function recordResubscribed(trx: Tx, importId: string, problem: string): Promise<void> {
  await trx
    .updateTable('history_imports')
    .set({ subscription_problem: problem, resubscribed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', importId)
    .execute();
}

/** A page that could not be fetched for a passing reason: counted, and tried again later. */
export async function recordSetback(trx: Tx, importId: string, reason: string): Promise<number> {
  const row = await trx
    .updateTable('history_imports')
    .set({
      failures_in_a_row: sql<number>`failures_in_a_row + 1`,
      error_count: sql<number>`error_count + 1`,
      last_error: reason,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', importId)
    .where('status', '=', 'RUNNING')
    .returning('failures_in_a_row')
    .executeTakeFirst();
  return row?.failures_in_a_row ?? 0;
}

export async function failImport(trx: Tx, importId: string, reason: string): Promise<void> {
  await trx
    .updateTable('history_imports')
    .set({
      status: 'FAILED',
      last_error: reason,
      error_count: sql<number>`error_count + 1`,
      finished_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', importId)
    .where('status', '=', 'RUNNING')
    .execute();
}

/** Each account's latest import of each kind in the workspace, read under RLS. */
export async function latestImports(trx: Tx, workspaceId: string) {
  return trx
    .selectFrom('history_imports')
    .distinctOn(['channel_connection_id', 'kind'])
    .select([
      'id',
      'channel_connection_id',
      'kind',
      'status',
      'since',
      'reached_back_to',
      'conversations_seen',
      'messages_found',
      'subscription_problem',
      'resubscribed_at',
      'error_count',
      'last_error',
      'started_at',
      'updated_at',
      'finished_at',
    ])
    .where('workspace_id', '=', workspaceId)
    .orderBy('channel_connection_id')
    .orderBy('kind')
    .orderBy('started_at', 'desc')
    .execute();
}
