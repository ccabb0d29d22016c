// Turns stored webhook deliveries into conversations, messages and leads. Safe to run twice,
// concurrently, or again after a crash: every effect is keyed by the event's identity.
//
// A job's deliveries are applied in one transaction (one commit for hundreds of events, which is
// what lets ingest keep up with Meta's bursts). The conversations they touch are locked first,
// in a fixed order, so concurrent workers cannot deadlock on them. Conversations whose events are
// all new customers' messages are applied set-based, a few statements for the whole batch
// (apply-new-messages.ts); the others event by event, each conversation's events in a savepoint.
// One bad event never takes others with it: when a conversation's events fail, they are applied
// again one by one, and only the event that fails is quarantined (kept with its error, counted in
// Health, applied by a replay after a fix). A lost connection or a crash rolls the whole job back
// for a retry.
import { type ConnectionRef, findLiveConnections, recordEventReceived } from '../accounts/index.ts';
import { attributeBusinessReplies } from '../comments/index.ts';
import { type ConversationKey, conversationKey, lockConversations } from '../conversations/index.ts';
import type { Tx } from '../db/database.ts';
import type { InstagramEvent } from '../meta/instagram-events.ts';
import {
  MalformedDeliveryError,
  type ParsedDelivery,
  parseWebhookDelivery,
} from '../meta/parse-webhook-delivery.ts';
import { newMessageCollector } from '../push/index.ts';
import type { Services } from '../services.ts';
import {
  type ApplyServices,
  applyConversationEvents,
  type EventOutcome,
  type NewCustomerMessage,
  QuarantinedEvent,
} from './apply-instagram-events.ts';
import { applyNewCustomerMessages } from './apply-new-messages.ts';
import { type IngestFailure, recordIngestFailures } from './ingest-failures.repository.ts';
import { quarantineEvent, releaseQuarantined } from './instagram-events.repository.ts';
import { inSavepoint } from './savepoint.ts';
import {
  findLedgerEntries,
  type LedgerOutcome,
  type LedgerStatus,
  settleLedgerEntries,
  settleLedgerEntry,
} from './webhook-ledger.repository.ts';

const DONE: LedgerStatus[] = ['PROCESSED', 'IGNORED', 'UNMATCHED'];

export type IngestServices = Pick<Services, 'db'> & ApplyServices;

export async function ingestWebhookEvents(
  services: IngestServices,
  webhookEventIds: string[],
  /** `setBased: false` applies every event one by one: the reference the set-based path is tested against. */
  options: { setBased?: boolean } = {},
): Promise<Map<string, LedgerStatus>> {
  const statuses = new Map<string, LedgerStatus>();
  await services.db.withService(async (trx) => {
    const entries = await findLedgerEntries(trx, webhookEventIds);
    const pending: { id: string; delivery: ParsedDelivery }[] = [];
    for (const entry of entries) {
      const id = String(entry.id);
      if (DONE.includes(entry.status)) {
        statuses.set(id, entry.status);
        continue;
      }
      try {
        pending.push({ id, delivery: parseWebhookDelivery(entry.raw_body) });
      } catch (error) {
        if (!(error instanceof MalformedDeliveryError)) throw error;
        // Signed by Meta, yet not a delivery we can read: kept as failed, for a replay after a fix.
        await settleLedgerEntry(trx, id, { status: 'FAILED', error: error.message });
        statuses.set(id, 'FAILED');
      }
    }
    if (pending.length === 0) return;

    const connections = await findLiveConnections(trx, [
      ...new Set(pending.flatMap((p) => p.delivery.accountIds)),
    ]);
    for (const p of pending) {
      p.delivery.events = await attributeBusinessReplies(trx, p.delivery.events, connections);
    }
    const conversations = await lockConversations(trx, conversationsTouched(pending, connections));
    // A replay tries again whatever these deliveries could not apply last time.
    await releaseQuarantined(
      trx,
      pending.map((p) => p.id),
    );
    const newMessages = newMessageCollector();
    const applied =
      options.setBased === false
        ? new Set<InstagramEvent>()
        : await applyNewCustomerMessages(trx, services, pending, connections, conversations, newMessages.add);
    const settled: (LedgerOutcome & { id: string })[] = [];
    for (const { id, delivery } of pending) {
      const outcome = await applyDelivery(
        trx,
        services,
        id,
        delivery,
        applied,
        connections,
        conversations,
        newMessages.add,
      );
      settled.push({ id, ...outcome });
      statuses.set(id, outcome.status);
    }
    await settleLedgerEntries(trx, settled);
    await recordLatestEvents(trx, pending, connections);
    // Operators' notifications: queued with the messages they tell of, one job per conversation
    // (where a member has a device to tell).
    await newMessages.queue(trx, services);
  });
  return statuses;
}

/**
 * One delivery: what the set-based path left of it (`applied` holds what it applied), conversation
 * by conversation; an event that cannot be applied is quarantined. Returns how to settle it.
 */
async function applyDelivery(
  trx: Tx,
  services: ApplyServices,
  id: string,
  delivery: ParsedDelivery,
  applied: Set<InstagramEvent>,
  connections: Map<string, ConnectionRef>,
  conversations: Map<string, string>,
  notify: (message: NewCustomerMessage & { workspaceId: string; conversationId: string }) => void,
): Promise<LedgerOutcome> {
  const outcomes: EventOutcome[] = delivery.events.filter((e) => applied.has(e)).map(() => 'applied');
  const reasons = new Set<string>();
  // Quarantined events per connection, for the workspace's Health screen (unmatched accounts have none).
  const failedByConnection = new Map<string, IngestFailure>();

  for (const events of groupByConversation(delivery.events.filter((e) => !applied.has(e)))) {
    const first = events[0] as InstagramEvent;
    const connection = connections.get(first.accountId);
    const key = connection && conversationKey(connection.id, first.contactId);
    const unansweredMid = delivery.source === 'history' ? customersUnansweredMid(events) : undefined;
    const apply = async (batch: InstagramEvent[]) => {
      const target = {
        connection,
        conversationId: key && conversations.get(key),
        history: unansweredMid === undefined ? undefined : { unansweredMid },
      };
      const applied = await applyConversationEvents(trx, services, id, target, batch);
      if (key && applied.conversationId) conversations.set(key, applied.conversationId);
      return applied;
    };
    // Told only once its savepoint holds: a message rolled back is nobody's news.
    const tell = ({ conversationId, newMessage }: Awaited<ReturnType<typeof apply>>) => {
      if (connection && conversationId && newMessage) {
        notify({ ...newMessage, workspaceId: connection.workspaceId, conversationId });
      }
    };
    const whole = await inSavepoint(trx, () => apply(events));
    if (whole.ok) {
      outcomes.push(...whole.value.outcomes);
      tell(whole.value);
      continue;
    }
    for (const event of events) {
      const one = await inSavepoint(trx, () => apply([event]));
      if (one.ok) {
        outcomes.push(...one.value.outcomes);
        tell(one.value);
        continue;
      }
      const reason = one.error instanceof Error ? one.error.message : String(one.error);
      const kept =
        one.error instanceof QuarantinedEvent && one.error.dedupeKey
          ? { ...event, dedupeKey: one.error.dedupeKey }
          : event;
      await quarantineEvent(trx, id, kept, connection, reason);
      outcomes.push('quarantined');
      reasons.add(reason);
      if (connection) {
        const known = failedByConnection.get(connection.id);
        failedByConnection.set(connection.id, {
          connectionId: connection.id,
          workspaceId: connection.workspaceId,
          eventCount: (known?.eventCount ?? 0) + 1,
        });
      }
    }
  }
  const quarantined = outcomes.filter((o) => o === 'quarantined').length;
  await recordIngestFailures(trx, id, [...failedByConnection.values()]);
  return {
    status: quarantined > 0 ? 'FAILED' : ledgerStatus(outcomes),
    accountIds: delivery.accountIds,
    eventCount: delivery.events.length,
    error:
      quarantined > 0
        ? `${quarantined} of ${delivery.events.length} events quarantined: ${[...reasons].join('; ')}`
        : null,
  };
}

/** Conversations the deliveries may write to, sorted: every worker locks them in the same order. */
function conversationsTouched(
  pending: { delivery: ParsedDelivery }[],
  connections: Map<string, ConnectionRef>,
): ConversationKey[] {
  const touched = new Map<string, ConversationKey>();
  for (const event of pending.flatMap((p) => p.delivery.events)) {
    const connection = connections.get(event.accountId);
    if (!connection || event.kind === 'ignored' || event.kind === 'unparsed' || !event.contactId) continue;
    touched.set(conversationKey(connection.id, event.contactId), {
      connectionId: connection.id,
      contactId: event.contactId,
    });
  }
  return [...touched.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}

/**
 * A conversation's latest message from history when the customer wrote it: the one imported
 * message that arrives unread, because it still waits for an answer.
 */
function customersUnansweredMid(events: InstagramEvent[]): string | null {
  const last = events.findLast((event) => event.kind === 'message');
  return last?.kind === 'message' && last.direction === 'INBOUND' && !last.isSelf ? last.mid : null;
}

/** Each account's most recent webhook event, for the account's "last event received" status. */
async function recordLatestEvents(
  trx: Tx,
  pending: { delivery: ParsedDelivery }[],
  connections: Map<string, ConnectionRef>,
): Promise<void> {
  const latest = new Map<string, Date>();
  const webhooks = pending.filter((p) => p.delivery.source === 'webhook');
  for (const event of webhooks.flatMap((p) => p.delivery.events)) {
    const connection = connections.get(event.accountId);
    const known = connection && latest.get(connection.id);
    if (connection && (!known || known < event.occurredAt)) latest.set(connection.id, event.occurredAt);
  }
  for (const [connectionId, at] of latest) await recordEventReceived(trx, connectionId, at);
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
