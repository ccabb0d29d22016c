// Turns one stored webhook delivery into conversations, messages and leads. Safe to run twice,
// concurrently, or after a crash half-way: every effect is keyed by the event's identity.
import type { Database } from '../db/database.ts';
import type { InstagramEvent } from '../meta/instagram-events.ts';
import { MalformedDeliveryError, parseWebhookDelivery } from '../meta/parse-webhook-delivery.ts';
import { type ApplyDeps, applyConversationEvents, type EventOutcome } from './apply-instagram-events.ts';
import { findLiveConnections } from './connections.repository.ts';
import { findLedgerEntry, type LedgerStatus, settleLedgerEntry } from './webhook-events.repository.ts';

const DONE: LedgerStatus[] = ['PROCESSED', 'IGNORED', 'UNMATCHED'];

export async function ingestWebhookEvent(
  db: Database,
  deps: ApplyDeps,
  webhookEventId: string,
): Promise<LedgerStatus> {
  const entry = await db.withService((trx) => findLedgerEntry(trx, webhookEventId));
  if (!entry) throw new Error(`webhook event ${webhookEventId} does not exist`);
  if (DONE.includes(entry.status)) return entry.status;

  let parsed: ReturnType<typeof parseWebhookDelivery>;
  try {
    parsed = parseWebhookDelivery(entry.raw_body);
  } catch (error) {
    if (!(error instanceof MalformedDeliveryError)) throw error;
    await db.withService((trx) =>
      settleLedgerEntry(trx, webhookEventId, { status: 'IGNORED', error: error.message }),
    );
    return 'IGNORED';
  }

  try {
    const connections = await db.withService((trx) => findLiveConnections(trx, parsed.accountIds));
    const outcomes: EventOutcome[] = [];
    // One transaction per conversation: it locks only that conversation, so concurrent deliveries
    // touching the same customers cannot deadlock, and a crash loses no committed conversation.
    for (const events of groupByConversation(parsed.events)) {
      const connection = connections.get((events[0] as InstagramEvent).accountId);
      outcomes.push(
        ...(await db.withService((trx) =>
          applyConversationEvents(trx, deps, webhookEventId, connection, events),
        )),
      );
    }
    const status = ledgerStatus(outcomes);
    await db.withService((trx) =>
      settleLedgerEntry(trx, webhookEventId, {
        status,
        accountIds: parsed.accountIds,
        eventCount: parsed.events.length,
      }),
    );
    return status;
  } catch (error) {
    await db.withService((trx) =>
      settleLedgerEntry(trx, webhookEventId, {
        status: 'FAILED',
        accountIds: parsed.accountIds,
        eventCount: parsed.events.length,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    throw error;
  }
}

function groupByConversation(events: InstagramEvent[]): InstagramEvent[][] {
  const groups = new Map<string, InstagramEvent[]>();
  for (const event of events) {
    const key = `${event.accountId}\u0000${event.contactId}`;
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return [...groups.values()];
}

/** A delivery that reached the inbox is PROCESSED; one that only carried others' or unused events is not. */
function ledgerStatus(outcomes: EventOutcome[]): LedgerStatus {
  if (outcomes.length === 0) return 'IGNORED';
  const fresh = outcomes.filter((o) => o !== 'duplicate');
  if (fresh.length === 0 || fresh.some((o) => o === 'applied' || o === 'pending')) return 'PROCESSED';
  return fresh.includes('unmatched') ? 'UNMATCHED' : 'IGNORED';
}
