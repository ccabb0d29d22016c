// The webhook ledger's writer. Meta must get 200 only after the raw event is committed, and a
// commit costs a disk flush; so concurrent deliveries are gathered into one multi-row INSERT and
// one commit (group commit), each caller still waiting for the commit that holds its row. The
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

export function createWebhookLedger(
  { db, enqueue }: Pick<Services, 'db' | 'enqueue'>,
  options: { maxBatch?: number; maxConcurrentWrites?: number } = {},
): WebhookLedger {
  const maxBatch = options.maxBatch ?? 250;
  const maxConcurrentWrites = options.maxConcurrentWrites ?? 4;
  const waiting: Pending[] = [];
  let writing = 0;

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

  function pump(): void {
    while (writing < maxConcurrentWrites && waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      writing += 1;
      void write(batch).finally(() => {
        writing -= 1;
        pump();
      });
    }
  }

  return {
    append(webhook) {
      return new Promise<string>((resolve, reject) => {
        waiting.push({ webhook, resolve, reject });
        // Let the deliveries already on their way join this batch before writing it.
        if (waiting.length === 1) setImmediate(pump);
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
