// The set-based path of ingest: the conversations of a batch whose events are all customers'
// messages never seen before (nearly all of Meta's traffic) are applied with one statement per
// table for the whole batch, instead of several statements per event. What it writes is what
// applyConversationEvents writes for the same events one by one (intake-model.db.test.ts holds
// both paths to one reference model); anything else (redeliveries, echoes, edits, reactions, reads,
// comments, history, an id another sender used) takes the event-by-event path.

import type { ConnectionRef } from '../accounts/index.ts';
import {
  conversationKey,
  type InboundActivity,
  insertMessagesOnce,
  messageKind,
  previewOf,
  recordInboundActivity,
  upsertConversations,
} from '../conversations/index.ts';
import type { Tx } from '../db/database.ts';
import { leadOrigin, type NewLead, recordLeads } from '../leads/index.ts';
import type { InstagramEvent } from '../meta/instagram-events.ts';
import type { ParsedDelivery } from '../meta/parse-webhook-delivery.ts';
import { type ApplyServices, type NewCustomerMessage, toMessageRow } from './apply-instagram-events.ts';
import { registerContacts } from './contacts.repository.ts';
import { enrichContactJob } from './enrich-contact.job.ts';
import {
  eventIdentity,
  findRecordedBefore,
  messageKey,
  recordEvents,
} from './instagram-events.repository.ts';
import { inSavepoint } from './savepoint.ts';

type CustomerMessage = Extract<InstagramEvent, { kind: 'message' }>;

interface Group {
  key: string;
  connection: ConnectionRef;
  contactId: string;
  /** In the order the event-by-event path would apply them: by delivery, then by Meta's time. */
  events: { webhookEventId: string; event: CustomerMessage }[];
}

/** The set-based path found something only the event-by-event path handles: it undoes itself. */
class NotNew extends Error {}

/**
 * Applies the conversations whose events in these deliveries are all new customers' messages;
 * returns the events it applied. The caller holds the conversations' locks (`conversations` maps
 * their keys to the ids of those that exist, and learns the ids of those created here). It runs
 * in a savepoint: on any surprise nothing of it remains, and the events go the other way.
 */
export async function applyNewCustomerMessages(
  trx: Tx,
  services: ApplyServices,
  pending: { id: string; delivery: ParsedDelivery }[],
  connections: Map<string, ConnectionRef>,
  conversations: Map<string, string>,
  notify: (message: NewCustomerMessage & { workspaceId: string; conversationId: string }) => void,
): Promise<Set<InstagramEvent>> {
  const groups = await newMessageGroups(trx, pending, connections);
  if (groups.length === 0) return new Set();
  const attempt = await inSavepoint(trx, () => apply(trx, services, groups, conversations));
  if (!attempt.ok) {
    if (!(attempt.error instanceof NotNew))
      console.error('ingest: set-based apply failed, applying event by event', attempt.error);
    return new Set();
  }
  for (const [key, id] of attempt.value.conversationIds) conversations.set(key, id);
  for (const message of attempt.value.notifications) notify(message);
  return new Set(groups.flatMap((group) => group.events.map(({ event }) => event)));
}

/**
 * The conversations that qualify: every event of theirs in the batch is a customer's message to a
 * connected account, delivered by webhook, its identity and mid used by no other event of the
 * batch and by nothing recorded before.
 */
async function newMessageGroups(
  trx: Tx,
  pending: { id: string; delivery: ParsedDelivery }[],
  connections: Map<string, ConnectionRef>,
): Promise<Group[]> {
  const uses = new Map<string, number>();
  const count = (key: string) => uses.set(key, (uses.get(key) ?? 0) + 1);
  for (const event of pending.flatMap((p) => p.delivery.events)) {
    count(`identity:${eventIdentity(event)}`);
    if ('mid' in event && event.mid) count(`mid:${event.accountId}\u0000${event.mid}`);
  }
  const groups = new Map<string, Group | null>();
  for (const { id, delivery } of pending) {
    for (const event of delivery.events) {
      const connection = connections.get(event.accountId);
      const key = connection
        ? conversationKey(connection.id, event.contactId)
        : `unmatched:${event.accountId}`;
      const qualifies =
        connection !== undefined &&
        delivery.source === 'webhook' &&
        event.kind === 'message' &&
        event.direction === 'INBOUND' &&
        event.contactId !== '' &&
        uses.get(`identity:${eventIdentity(event)}`) === 1 &&
        uses.get(`mid:${event.accountId}\u0000${event.mid}`) === 1;
      const group = groups.get(key);
      if (!qualifies || group === null || !connection || event.kind !== 'message') {
        groups.set(key, null); // the whole conversation goes event by event
        continue;
      }
      const entry = { webhookEventId: id, event };
      if (group) group.events.push(entry);
      else groups.set(key, { key, connection, contactId: event.contactId, events: [entry] });
    }
  }
  const candidates = [...groups.values()].filter((group) => group !== null);
  const recorded = await findRecordedBefore(
    trx,
    candidates.flatMap((group) =>
      group.events.map(({ event }) => ({
        accountId: event.accountId,
        dedupeKey: event.dedupeKey,
        connectionId: group.connection.id,
        mid: event.mid,
      })),
    ),
  );
  return candidates.filter((group) =>
    group.events.every(
      ({ event }) =>
        !recorded.identities.has(eventIdentity(event)) &&
        !recorded.messages.has(messageKey(group.connection.id, event.mid)),
    ),
  );
}

async function apply(trx: Tx, services: ApplyServices, groups: Group[], conversations: Map<string, string>) {
  const events = groups.flatMap((group) => group.events.map((entry) => ({ ...entry, group })));
  // Stored in this same transaction, so recorded as applied right away.
  const recorded = await recordEvents(
    trx,
    events.map(({ webhookEventId, event, group }) => ({
      webhookEventId,
      event,
      connection: group.connection,
      status: 'APPLIED' as const,
    })),
  );
  if (recorded.size !== events.length) throw new NotNew('an event was recorded meanwhile');

  // A conversation is created by its first message, as of that message's time.
  const conversationIds = await upsertConversations(
    trx,
    groups
      .filter((group) => !conversations.has(group.key))
      .map(({ connection, contactId, events: [first] }) => ({
        workspaceId: connection.workspaceId,
        connectionId: connection.id,
        contactId,
        at: (first as Group['events'][number]).event.occurredAt,
        isSelf: (first as Group['events'][number]).event.isSelf,
      })),
  );
  const conversationOf = (group: Group) =>
    (conversations.get(group.key) ?? conversationIds.get(group.key)) as string;

  const rows = events.map(({ event, group }) => toMessageRow(group.connection, conversationOf(group), event));
  const inserted = await insertMessagesOnce(trx, rows);
  const messageIds = new Map(inserted.map((m) => [messageKey(m.connectionId, m.mid), m.id]));
  if (messageIds.size !== rows.length) throw new NotNew('a message was stored meanwhile');

  const activities: InboundActivity[] = [];
  const leads: NewLead[] = [];
  const notifications: (NewCustomerMessage & { workspaceId: string; conversationId: string })[] = [];
  for (const group of groups) {
    const conversationId = conversationOf(group);
    const previews = group.events.map(({ event }) => ({
      event,
      preview: previewOf({
        direction: 'INBOUND',
        kind: messageKind(event),
        text: event.text ?? '',
        attachments: event.attachments,
      }),
    }));
    const latestAt = Math.max(...group.events.map(({ event }) => event.occurredAt.getTime()));
    const latest = previews.findLast(({ event }) => event.occurredAt.getTime() === latestAt);
    // The business messaging its own account is not a customer waiting for an answer.
    const unread = group.events.filter(({ event }) => !event.isSelf);
    activities.push({
      conversationId,
      latestAt: new Date(latestAt),
      latestPreview: latest?.preview as string,
      firstPreview: previews[0]?.preview as string,
      unread: unread.length,
    });
    // The lead's source is that of the earliest message (the first given among equals).
    const earliest = unread.reduce<CustomerMessage | undefined>(
      (first, { event }) => (!first || event.occurredAt < first.occurredAt ? event : first),
      undefined,
    );
    if (earliest) {
      leads.push({
        workspaceId: group.connection.workspaceId,
        connectionId: group.connection.id,
        conversationId,
        contactId: group.contactId,
        ...leadOrigin(earliest),
        originAt: earliest.occurredAt,
      });
    }
    // Operators are told of the latest new message (the last given among equals).
    const told = unread.reduce<CustomerMessage | undefined>(
      (last, { event }) => (!last || last.occurredAt <= event.occurredAt ? event : last),
      undefined,
    );
    if (told) {
      notifications.push({
        messageId: messageIds.get(messageKey(group.connection.id, told.mid)) as string,
        occurredAt: told.occurredAt,
        workspaceId: group.connection.workspaceId,
        conversationId,
      });
    }
  }
  await recordInboundActivity(trx, activities);
  await recordLeads(trx, leads);
  const lookups = await registerContacts(
    trx,
    leads.map((lead) => ({
      workspaceId: lead.workspaceId,
      connectionId: lead.connectionId,
      igsid: lead.contactId,
      wrote: true,
    })),
  );
  for (const { connectionId, igsid } of lookups) {
    await services.enqueue(trx, enrichContactJob, { connectionId, igsid });
  }
  return { conversationIds, notifications };
}
