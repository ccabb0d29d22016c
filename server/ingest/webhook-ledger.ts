// The webhook ledger's writer. Meta must get 200 only after the raw event is committed, and a
// commit costs a disk flush; so concurrent deliveries are gathered into one multi-row INSERT and
// one commit (group commit), each caller still waiting for the commit that holds its row. Writes
// go one at a time unless one stalls (STALLED_WRITE_MS), so batches are as large as the load. The
// ingest job for the new rows is queued in the same transaction: stored and queued cannot disagree.
import type { Tx } from '../db/database.ts';
import { HISTORY_OBJECT, historyEnvelope } from '../meta/conversations-api.ts';
import type { IncomingWebhook, WebhookLedger } from '../meta/webhook-endpoint.ts';
import type { Services } from '../services.ts';
import { ingestWebhookEventsJob } from './ingest-webhook-events.job.ts';
import { insertLedgerEntries } from './webhook-ledger.repository.ts';

interface Pending {
  webhook: IncomingWebhook;
  resolve(id: string): void;
  reject(error: unknown): void;
}

/**
 * How long a write may be in flight before another starts beside it. One write at a time makes
 * the largest batches, and a batch costs the web process about the same CPU whatever its size;
 * but a slow commit must not hold every delivery behind it. Measured with bench:ingest on 2
 * cores, the ack alone (ratio to the floor): one writer only 0.51–0.65, up to four at once
 * 0.33–0.41, one plus this rule 0.44–0.47.
 */
export const STALLED_WRITE_MS = 50;

export function createWebhookLedger(
  { db, enqueue }: Pick<Services, 'db' | 'enqueue'>,
  options: { maxBatch?: number; maxConcurrentWrites?: number; stalledWriteMs?: number } = {},
): WebhookLedger {
  const maxBatch = options.maxBatch ?? 250;
  const maxConcurrentWrites = options.maxConcurrentWrites ?? 4;
  const stalledWriteMs = options.stalledWriteMs ?? STALLED_WRITE_MS;
  const waiting: Pending[] = [];
  /** When each write in flight started. */
  const writes: number[] = [];
  let recheck: NodeJS.Timeout | null = null;

  async function write(batch: Pending[]): Promise<void> {
    try {
      const ids = await db.withService(async (trx) => {
        const ids = await insertLedgerEntries(
          trx,
          batch.map(({ webhook }) => webhook),
        );
        await enqueue(trx, ingestWebhookEventsJob, { webhookEventIds: ids });
        return ids;
      });
      for (const [i, pending] of batch.entries()) pending.resolve(ids[i] as string);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  /** Zero when a write may start now; otherwise how long until the writes in flight count as stalled. */
  function waitBeforeWriting(now: number): number {
    if (writes.length === 0 || waiting.length >= maxBatch) return 0;
    return Math.max(0, Math.max(...writes) + stalledWriteMs - now);
  }

  function pump(): void {
    while (waiting.length > 0 && writes.length < maxConcurrentWrites) {
      const now = performance.now();
      const wait = waitBeforeWriting(now);
      if (wait > 0) {
        recheck ??= setTimeout(() => {
          recheck = null;
          pump();
        }, wait);
        return;
      }
      const batch = waiting.splice(0, maxBatch);
      writes.push(now);
      void write(batch).finally(() => {
        writes.splice(writes.indexOf(now), 1);
        pump();
      });
    }
  }

  return {
    append(webhook) {
      return new Promise<string>((resolve, reject) => {
        waiting.push({ webhook, resolve, reject });
        // Let the deliveries already on their way join this batch before writing it; a full
        // batch may not wait for the writes in flight.
        if (waiting.length === 1 || waiting.length === maxBatch) setImmediate(pump);
      });
    },
  };
}

/**
 * Conversations fetched from Meta's Conversations API enter the ledger like deliveries (decision
 * 017) and are queued for ingest in the caller's transaction. They came from Meta, asked for with
 * the account's token, so they are as authentic as a signed delivery.
 */
export async function appendHistory(
  trx: Tx,
  { enqueue }: Pick<Services, 'enqueue'>,
  source: { accountId: string; importId: string },
  conversations: unknown[],
): Promise<void> {
  if (conversations.length === 0) return;
  const ids = await insertLedgerEntries(
    trx,
    conversations.map((conversation) => ({
      rawBody: Buffer.from(historyEnvelope(source.accountId, conversation)),
      headers: {},
      object: HISTORY_OBJECT,
    })),
    source.importId,
  );
  await enqueue(trx, ingestWebhookEventsJob, { webhookEventIds: ids });
}
