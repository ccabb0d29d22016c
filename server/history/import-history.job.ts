// One run of an import: one page of the account's conversations, most recently active first. Each
// conversation on it is fetched with its newest messages (those Meta gives details of), and the
// page's conversations are stored in the webhook ledger, for ingest to apply like deliveries,
// in the same transaction as the import's next cursor and the job for the next page. A worker
// killed midway therefore redoes at most one page, and a conversation stored twice is applied
// once. Calls keep to the account's share of Meta's 2 calls a second.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { findConnectionCredentials, markNeedsReauth, recordSubscribed } from '../accounts/index.ts';
import type { Tx } from '../db/database.ts';
import { appendHistory } from '../ingest/index.ts';
import { defineJob } from '../jobs/job.ts';
import {
  type ConversationSummary,
  fetchConversation,
  GraphTime,
  listConversations,
} from '../meta/conversations-api.ts';
import {
  type GraphAccount,
  readSubscriptions,
  subscribeApp,
  unsealToken,
  WEBHOOK_FIELDS,
} from '../meta/graph-api.ts';
import { GraphApiError, GraphNetworkError } from '../meta/graph-client.ts';
import type { Services } from '../services.ts';
import {
  failImport,
  findRunningImport,
  type PageResult,
  type RunningImport,
  recordPage,
  recordResubscribed,
  recordSetback,
} from './history-imports.repository.ts';

export type ImportServices = Pick<
  Services,
  'db' | 'graph' | 'cipher' | 'enqueue' | 'historyCalls' | 'metaAppIds'
>;

/** Conversations per page: each costs a call, so a page is about 7 s of the account's budget. */
export const CONVERSATIONS_PER_PAGE = 10;

/** How far before the import's start its catch-up reaches: Meta's and our clocks differ a little. */
const CATCH_UP_MARGIN_MS = 60_000;

/**
 * History takes only messages written at least this long before the import began: a newer one's
 * webhook may still be on its way, and the webhook says more than Meta's API does (a postback, a
 * quick reply's payload, a referral), so it is the webhook's to bring. Should it never come, the
 * next reconciliation (it overlaps the last look) takes the message.
 */
const WEBHOOKS_IN_FLIGHT_MS = 30_000;

/** Throttled calls in a row a run waits out before it leaves the page for later. */
const PATIENCE = 4;

/** Pages that fail in a row (Meta away, or throttling for long) before the import gives up. */
const MAX_FAILURES_IN_A_ROW = 12;

export type PageOutcome = 'next' | 'done' | 'retrying' | 'failed' | 'stale';

const ImportRun = z.object({ importId: z.uuid(), page: z.number().int().min(0) });
type ImportRun = z.infer<typeof ImportRun>;

export const importHistoryJob = defineJob({
  queue: 'import-history',
  payload: ImportRun,
  concurrency: 2,
  run: (services: ImportServices, run) => importHistoryPage(services, run),
});

/** Queues the run of an import's page in the caller's transaction. */
export function queueImportPage(
  services: Pick<Services, 'enqueue'>,
  trx: Tx,
  run: ImportRun,
  startAfter?: Date,
): Promise<void> {
  return services.enqueue(trx, importHistoryJob, run, startAfter ? { startAfter } : undefined);
}

export async function importHistoryPage(services: ImportServices, run: ImportRun): Promise<PageOutcome> {
  const { db } = services;
  const found = await db.withService(async (trx) => {
    const running = await findRunningImport(trx, run.importId);
    return running && { running, connection: await findConnectionCredentials(trx, running.connectionId) };
  });
  if (!found || found.running.pagesDone !== run.page) return 'stale';
  const { running, connection } = found;
  if (!connection?.accessToken || connection.status !== 'CONNECTED') {
    await db.withService((trx) => failImport(trx, running.id, 'The account is not connected.'));
    return 'failed';
  }

  try {
    const token = unsealToken(services.cipher, connection.id, connection.accessToken);
    const errors: string[] = [];
    if (running.kind === 'RECONCILE' && run.page === 0 && !running.catchingUp) {
      const problem = await keepSubscribed(services, connection, token);
      if (problem) {
        await db.withService(async (trx) => {
          await recordSubscribed(trx, connection.id, WEBHOOK_FIELDS);
          await recordResubscribed(trx, running.id, problem);
        });
      }
    }
    await services.historyCalls.take(connection.id);
    const page = await patiently(() =>
      listConversations(services.graph, connection, token, {
        after: running.nextPage,
        limit: CONVERSATIONS_PER_PAGE,
      }),
    );
    const cutoff = running.catchingUp
      ? new Date(running.startedAt.getTime() - CATCH_UP_MARGIN_MS)
      : running.since;
    const wanted = page.conversations.filter((conversation) => conversation.updatedAt >= cutoff);
    const fetched: unknown[] = [];
    const recentFetches: Record<string, number> = {};
    const activeSinceStart = running.startedAt.getTime() - CATCH_UP_MARGIN_MS;
    for (const conversation of wanted) {
      if (running.catchingUp && fetchedSinceActive(running.recentFetches[conversation.id], conversation))
        continue;
      await services.historyCalls.take(connection.id);
      try {
        const raw = await patiently(() =>
          fetchConversation(services.graph, connection, token, conversation.id),
        );
        fetched.push(withinSpan(raw, running));
        if (!running.catchingUp && conversation.updatedAt.getTime() >= activeSinceStart) {
          recentFetches[conversation.id] = Date.now();
        }
      } catch (error) {
        // One conversation Meta will not give (removed, restricted) does not stop the others.
        if (!(error instanceof GraphApiError) || error.isTransient || error.isTokenInvalid) throw error;
        errors.push(`Conversation ${conversation.id}: ${error.message}`);
      }
    }
    const mids = fetched.flatMap(messageIdsOf);
    // Conversations come most recently active first: one older than the cutoff ends the pass.
    const passDone = page.after === null || wanted.length < page.conversations.length;
    const result: PageResult = {
      page: run.page,
      nextPage: page.after,
      passDone,
      reachedBackTo: running.catchingUp ? null : passDone ? running.since : oldest(wanted),
      conversations: wanted.length,
      messages: mids.length,
      recentFetches,
      errors,
    };
    return await db.withService(async (trx) => {
      const recorded = await recordPage(trx, running.id, result);
      if (!recorded) return 'stale';
      await appendHistory(
        trx,
        services,
        { accountId: connection.channelIdentifier, importId: running.id },
        fetched,
      );
      if (recorded === 'done') return 'done';
      await queueImportPage(services, trx, { importId: running.id, page: run.page + 1 });
      return 'next';
    });
  } catch (error) {
    return setback(services, running, run, error, connection.id);
  }
}

/** A page that failed: tried again later when the reason passes, the import failed when not. */
async function setback(
  services: ImportServices,
  running: RunningImport,
  run: ImportRun,
  error: unknown,
  connectionId: string,
): Promise<PageOutcome> {
  const passing = error instanceof GraphNetworkError || (error instanceof GraphApiError && error.isTransient);
  if (!passing) {
    const reason =
      error instanceof GraphApiError
        ? error.isTokenInvalid
          ? 'Meta refused the access token: reconnect the account.'
          : `Meta refused: ${error.message}`
        : "Meta's answer could not be read.";
    await services.db.withService(async (trx) => {
      if (error instanceof GraphApiError && error.isTokenInvalid) {
        await markNeedsReauth(trx, connectionId, `Meta rejected the access token: ${error.message}`);
      }
      await failImport(trx, running.id, reason);
    });
    if (!(error instanceof GraphApiError)) throw error; // a defect: logged by the worker
    return 'failed';
  }
  const reason =
    error instanceof GraphApiError && error.isRateLimited
      ? 'Meta asked to slow down; continuing shortly.'
      : 'Meta could not be reached; trying again shortly.';
  return services.db.withService(async (trx) => {
    const failures = await recordSetback(trx, running.id, reason);
    if (failures >= MAX_FAILURES_IN_A_ROW) {
      await failImport(trx, running.id, `${reason.split(';')[0]} ${failures} times in a row: stopped.`);
      return 'failed';
    }
    const hint = error instanceof GraphApiError ? (error.retryAfterSeconds ?? 0) : 0;
    const waitSeconds = Math.max(hint, Math.min(300, 2 ** failures));
    await queueImportPage(services, trx, run, new Date(Date.now() + waitSeconds * 1000));
    return 'retrying';
  });
}

/**
 * Meta unsubscribes an app from an account after an hour of failed deliveries, and says so to
 * no one: the app is subscribed again when Meta no longer reports every field the inbox uses.
 * What was wrong is returned (null when nothing was), for the caller to record. The import's
 * fetches then bring back what the webhooks missed.
 */
async function keepSubscribed(
  services: ImportServices,
  connection: GraphAccount & { id: string },
  token: string,
): Promise<string | null> {
  const fields = await readSubscriptions(services.graph, connection, token, services.metaAppIds);
  const missing = WEBHOOK_FIELDS.filter((field) => !fields.includes(field));
  if (missing.length === 0) return null;
  await subscribeApp(services.graph, connection, token);
  return fields.length === 0
    ? 'Meta had stopped sending this account’s messages (the app was unsubscribed).'
    : `Meta was not sending ${missing.join(', ')} for this account.`;
}

/**
 * Meta throttling a call (others use the account too): wait as long as it asks, at least a
 * second, and call again, rather than lose the page's calls so far.
 */
async function patiently<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof GraphApiError && error.isRateLimited) || attempt >= PATIENCE) throw error;
      await sleep(Math.max(1, error.retryAfterSeconds ?? 0) * 1000 * attempt);
    }
  }
}

/**
 * The first pass fetched the conversation after its latest activity: the catch-up has nothing to
 * take again. Meta's times are to the second, so only a fetch in a later second than that counts.
 */
function fetchedSinceActive(fetchedAt: number | undefined, conversation: ConversationSummary): boolean {
  return fetchedAt !== undefined && Math.floor(fetchedAt / 1000) * 1000 > conversation.updatedAt.getTime();
}

function oldest(conversations: ConversationSummary[]): Date | null {
  return conversations.reduce<Date | null>(
    (min, { updatedAt }) => (min === null || updatedAt < min ? updatedAt : min),
    null,
  );
}

type Json = Record<string, unknown>;

function messageIdsOf(conversation: unknown): string[] {
  return messagesOf(conversation).flatMap((message) => {
    const id = (message as Json | null)?.id;
    return typeof id === 'string' ? [id] : [];
  });
}

function messagesOf(conversation: unknown): unknown[] {
  const messages = (conversation as { messages?: { data?: unknown } } | null)?.messages?.data;
  return Array.isArray(messages) ? messages : [];
}

/** The conversation without the messages before the import's span, or too new for it. */
function withinSpan(conversation: unknown, running: RunningImport): unknown {
  const messages = (conversation as { messages?: Json } | null)?.messages;
  if (!messages) return conversation;
  const until = running.startedAt.getTime() - WEBHOOKS_IN_FLIGHT_MS;
  const kept = messagesOf(conversation).filter((message) => {
    const at = GraphTime.safeParse((message as Json | null)?.created_time);
    // An unreadable one is for ingest to report.
    return !at.success || (at.data >= running.since && at.data.getTime() < until);
  });
  return { ...(conversation as Json), messages: { ...messages, data: kept } };
}
