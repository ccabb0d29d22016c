// Applies one conversation's events from a delivery, in Meta's timestamp order, inside the
// caller's transaction. Each event is first recorded under its unique identity: a redelivered
// event stops there, so every effect below happens exactly once however often Meta delivers.
// The conversation is created by the first message stored in it, in the same savepoint, so a
// conversation never exists without the message that opened it.

import type { ConnectionRef } from '../accounts/index.ts';
import { type CommentEvent, fetchMediaJob, storeComment } from '../comments/index.ts';
import {
  applySeenMarks,
  attachmentsColumn,
  findMessageByMid,
  insertMessageOnce,
  messageKind,
  type NewMessage,
  type ProviderData,
  previewOf,
  providerDataColumn,
  recordConversationActivity,
  upsertConversation,
} from '../conversations/index.ts';
import type { Tx } from '../db/database.ts';
import { IMPORTED_HISTORY_ORIGIN, leadOrigin, recordLead } from '../leads/index.ts';
import type { InstagramEvent } from '../meta/instagram-events.ts';
import { adoptEcho, confirmByEcho } from '../sending/index.ts';
import type { Services } from '../services.ts';
import { recordCommenterUsername, registerContact } from './contacts.repository.ts';
import { enrichContactJob } from './enrich-contact.job.ts';
import {
  findRecordedEvent,
  recordEvent,
  recordRedelivery,
  settleRecordedEvent,
} from './instagram-events.repository.ts';
import { REDACTING_KINDS, settleMessage } from './settle-message.ts';

/** Applying queues a profile lookup for each contact seen for the first time. */
export type ApplyServices = Pick<Services, 'enqueue'>;

export type EventOutcome = 'applied' | 'pending' | 'duplicate' | 'ignored' | 'unmatched' | 'quarantined';

type Stored = Extract<InstagramEvent, { kind: 'message' | 'postback' | 'referral' }>;
/** What can open a conversation, and make its contact a lead. */
type Opening = Stored | CommentEvent;

/** Where a conversation's events go: the account, and the conversation if it exists already. */
export interface ConversationTarget {
  connection: ConnectionRef | undefined;
  conversationId: string | undefined;
  /**
   * Set for messages imported from the Conversations API: they arrive read, but for the
   * customer's last message when it still waits for an answer, and a first contact is a lead
   * from imported history.
   */
  history?: { unansweredMid: string | null };
}

/** An event that cannot be applied (its error is recorded with it, and it is replayed later). */
export class QuarantinedEvent extends Error {
  /** Kept under this identity when its own is taken (another sender's event has it). */
  constructor(
    message: string,
    readonly dedupeKey?: string,
  ) {
    super(message);
  }
}

function isStored(event: InstagramEvent): event is Stored {
  return event.kind === 'message' || event.kind === 'postback' || event.kind === 'referral';
}

/** A customer's message stored for the first time, unread: what operators are notified of. */
export interface NewCustomerMessage {
  messageId: string;
  occurredAt: Date;
}

/**
 * The outcomes, the conversation (created by a stored message, or as it was), and its latest new
 * customer message, if any.
 */
export async function applyConversationEvents(
  trx: Tx,
  services: ApplyServices,
  webhookEventId: string,
  target: ConversationTarget,
  events: InstagramEvent[],
): Promise<{
  outcomes: EventOutcome[];
  conversationId: string | undefined;
  newMessage: NewCustomerMessage | undefined;
}> {
  const { connection } = target;
  let conversationId = target.conversationId;
  const outcomes: EventOutcome[] = [];
  let newMessage: NewCustomerMessage | undefined;
  let firstInbound: Opening | undefined;
  /** The customer wrote to the account (Meta then gives their profile); a comment's username. */
  let customerWrote = false;
  let commenter: string | null = null;
  for (const event of events) {
    if (event.kind === 'ignored') {
      const id = await recordEvent(trx, webhookEventId, event, connection, 'IGNORED', event.reason);
      outcomes.push(id === null ? 'duplicate' : 'ignored');
    } else if (event.kind === 'unparsed') {
      throw new QuarantinedEvent(event.reason);
    } else if (!connection) {
      const reason = 'no workspace has connected this Instagram account';
      const id = await recordEvent(trx, webhookEventId, event, undefined, 'UNMATCHED', reason);
      outcomes.push(id === null ? 'duplicate' : 'unmatched');
    } else if (event.kind === 'comment') {
      if ((await recordEvent(trx, webhookEventId, event, connection, 'APPLIED')) === null) {
        outcomes.push('duplicate'); // the same words again
        continue;
      }
      conversationId ??= await upsertConversation(trx, conversationOf(connection, event));
      const stored = await storeComment(trx, connection, conversationId, event);
      if (stored.newMediaId) {
        await services.enqueue(trx, fetchMediaJob, {
          connectionId: connection.id,
          mediaId: stored.newMediaId,
        });
      }
      if (event.direction === 'INBOUND') {
        firstInbound ??= event;
        commenter ??= event.username;
      }
      outcomes.push('applied');
    } else if (isStored(event)) {
      // Stored in this same transaction (savepoint), so it is recorded as applied right away.
      const eventId = await recordEvent(trx, webhookEventId, event, connection, 'APPLIED');
      if (eventId === null) {
        await redelivered(trx, webhookEventId, connection, event);
        outcomes.push('duplicate');
        continue;
      }
      conversationId ??= await upsertConversation(trx, conversationOf(connection, event));
      const { inbound, inserted, unreadId } = await store(
        trx,
        connection,
        conversationId,
        event,
        target.history,
      );
      // Imported history is the past: nobody is notified of it.
      if (unreadId && !target.history && (!newMessage || newMessage.occurredAt <= event.occurredAt)) {
        newMessage = { messageId: unreadId, occurredAt: event.occurredAt };
      }
      if (inbound && !event.isSelf) {
        firstInbound ??= event;
        customerWrote = true;
      }
      // History of a message the inbox holds (a webhook brought it) brings nothing new: said so,
      // so what an import brought counts only what it added.
      if (target.history && !inserted) {
        await settleRecordedEvent(trx, eventId, 'IGNORED', 'the inbox held this message already');
      }
      // Edits, reactions or reads that arrived before this message are settled now.
      if (event.kind !== 'referral') await settleMessage(trx, connection, event.mid, { redact: true });
      outcomes.push('applied');
    } else {
      const id = await recordEvent(trx, webhookEventId, event, connection, 'PENDING');
      if (id === null) {
        await redelivered(trx, webhookEventId, connection, event);
        outcomes.push('duplicate');
      } else {
        // An edit, unsend, reaction or read whose message has not arrived waits for it.
        const settled = await settleMessage(trx, connection, event.mid, {
          redact: REDACTING_KINDS.has(event.kind),
        });
        outcomes.push(settled ? 'applied' : 'pending');
      }
    }
  }
  if (connection && conversationId && firstInbound) {
    await rememberContact(trx, services, connection, conversationId, firstInbound, {
      imported: target.history !== undefined,
      wrote: customerWrote,
      username: commenter,
    });
  }
  return { outcomes, conversationId, newMessage };
}

/**
 * An event recorded before. Meta's ids are unique, so the same message id from another sender is
 * not a redelivery: it is kept aside rather than dropped. A true redelivery of words is
 * remembered with its delivery, whose copy an unsend must also redact.
 */
async function redelivered(
  trx: Tx,
  webhookEventId: string,
  connection: ConnectionRef,
  event: Exclude<InstagramEvent, { kind: 'ignored' | 'unparsed' }>,
): Promise<void> {
  const recorded = await findRecordedEvent(trx, event.accountId, event.dedupeKey);
  if (recorded && recorded.contactId !== event.contactId) {
    throw new QuarantinedEvent(
      `${event.kind} id already used by another sender's event`,
      `conflict:${event.dedupeKey}:${event.contactId}`,
    );
  }
  // Only a copy of the message's words (or of an edit) matters to an unsend; reactions and seen
  // marks hold none.
  if (!('mid' in event) || !REDACTING_KINDS.has(event.kind)) return;
  if (recorded) await recordRedelivery(trx, recorded.id, webhookEventId);
  await settleMessage(trx, connection, event.mid, { redact: true });
}

function conversationOf(connection: ConnectionRef, event: Opening) {
  return {
    workspaceId: connection.workspaceId,
    connectionId: connection.id,
    contactId: event.contactId,
    at: event.occurredAt,
    isSelf: event.isSelf,
  };
}

/**
 * The lead (first contact only) and the contact whose profile is to be looked up, or looked up
 * again now that the customer wrote; until Meta gives a profile, a commenter shows by the
 * username their comment carried.
 */
async function rememberContact(
  trx: Tx,
  services: ApplyServices,
  connection: ConnectionRef,
  conversationId: string,
  first: Opening,
  batch: { imported: boolean; wrote: boolean; username: string | null },
) {
  const origin = batch.imported ? IMPORTED_HISTORY_ORIGIN : leadOrigin(first);
  await recordLead(trx, {
    workspaceId: connection.workspaceId,
    connectionId: connection.id,
    conversationId,
    contactId: first.contactId,
    ...origin,
    originAt: first.occurredAt,
  });
  const igsid = first.contactId;
  const contact = { workspaceId: connection.workspaceId, connectionId: connection.id, igsid };
  if (await registerContact(trx, { ...contact, wrote: batch.wrote })) {
    await services.enqueue(trx, enrichContactJob, { connectionId: connection.id, igsid });
  }
  if (batch.username) await recordCommenterUsername(trx, { ...contact, username: batch.username });
}

/**
 * Stores the message (unless held already) and updates the conversation's summary; `unreadId` is
 * the new row when it counts as unread (a customer's new message waiting for an answer).
 */
async function store(
  trx: Tx,
  connection: ConnectionRef,
  conversationId: string,
  event: Stored,
  history: ConversationTarget['history'],
): Promise<{ inbound: boolean; inserted: boolean; unreadId: string | null }> {
  const row = toMessageRow(connection, conversationId, event);
  const preview = previewOf({
    direction: row.direction,
    kind: row.kind ?? 'text',
    text: row.content ?? '',
    attachments: event.kind === 'message' ? event.attachments : [],
  });
  if (event.kind === 'message' && event.direction === 'OUTBOUND') {
    // The echo of a send made through this app confirms that row; any other echo was typed
    // elsewhere (the Instagram app, another tool) and is kept as an outbound message.
    // Its mid is unknown when the echo outruns the Send API's answer (or the answer was lost):
    // then it is matched with our waiting send by content and time.
    const known = await findMessageByMid(trx, connection.id, event.mid);
    let inserted = false;
    if (known) await confirmByEcho(trx, known.id);
    else {
      const adopted = await adoptEcho(trx, {
        conversationId,
        mid: event.mid,
        text: event.text ?? null,
        kind: row.kind ?? 'text',
        at: event.occurredAt,
        attachments: event.attachments,
      });
      if (!adopted) inserted = (await insertMessageOnce(trx, row)) !== null;
    }
    const { customerSeenUntil } = await recordConversationActivity(trx, conversationId, {
      at: event.occurredAt,
      preview,
      inbound: false,
      unread: false,
      holds: 'direct_messages',
    });
    // Delivered after the customer's seen mark that covers it: seen too.
    if (customerSeenUntil && event.occurredAt <= customerSeenUntil) await applySeenMarks(trx, conversationId);
    return { inbound: false, inserted, unreadId: null };
  }
  const insertedId =
    (await insertMessageOnce(trx, row)) ?? (await storeTapBeside(trx, connection, event, row));
  const inserted = insertedId !== null;
  // A referral opens the messaging window but is not something the customer wrote; the
  // business messaging itself is not a customer waiting for an answer.
  const visible = event.kind !== 'referral';
  const awaitsAnswer = !history || (event.kind === 'message' && history.unansweredMid === event.mid);
  const unread = inserted && visible && !event.isSelf && awaitsAnswer;
  await recordConversationActivity(trx, conversationId, {
    at: event.occurredAt,
    preview: visible ? preview : null,
    inbound: true,
    unread,
    holds: visible ? 'direct_messages' : undefined,
  });
  return { inbound: true, inserted, unreadId: unread ? insertedId : null };
}

/**
 * A postback that carries the mid of a message of the business (the template whose button was
 * tapped, say) is still the customer's tap: it is stored beside that message, under an id of its
 * own, rather than dropped as a duplicate. A redelivery finds it there. A customer's message under
 * the same mid is this very tap, already held (history imports store postbacks as text).
 */
async function storeTapBeside(
  trx: Tx,
  connection: ConnectionRef,
  event: Stored,
  row: NewMessage,
): Promise<string | null> {
  if (event.kind !== 'postback') return null;
  const holder = await findMessageByMid(trx, connection.id, event.mid);
  if (holder?.direction !== 'OUTBOUND') return null;
  return insertMessageOnce(trx, { ...row, external_message_id: `postback:${event.mid}` });
}

/** The row a stored event becomes. */
export function toMessageRow(connection: ConnectionRef, conversationId: string, event: Stored): NewMessage {
  const base = {
    workspace_id: connection.workspaceId,
    conversation_id: conversationId,
    channel_connection_id: connection.id,
    occurred_at: event.occurredAt,
  };
  const extras: ProviderData = {
    replyToStory: null,
    quickReplyPayload: null,
    postbackPayload: null,
    referral: null,
    standby: event.standby,
    origin: null,
    comment: null,
    quickReplies: null,
  };
  switch (event.kind) {
    case 'message':
      return {
        ...base,
        direction: event.direction,
        status: event.direction === 'OUTBOUND' ? 'SENT' : 'RECEIVED',
        kind: messageKind(event),
        content: event.text ?? '',
        attachments: event.attachments.length > 0 ? attachmentsColumn.encode(event.attachments) : null,
        external_message_id: event.mid,
        reply_to_external_id: event.replyTo?.kind === 'message' ? event.replyTo.mid : null,
        provider_data: providerDataColumn.encode({
          ...extras,
          replyToStory:
            event.replyTo?.kind === 'story'
              ? { storyId: event.replyTo.storyId, url: event.replyTo.url }
              : null,
          quickReplyPayload: event.quickReplyPayload,
          referral: event.referral,
          // Typed outside this app (the Instagram app or another tool).
          origin: event.direction === 'OUTBOUND' ? 'echo' : null,
        }),
      };
    case 'postback':
      return {
        ...base,
        direction: 'INBOUND',
        status: 'RECEIVED',
        kind: 'postback',
        content: event.title,
        external_message_id: event.mid,
        provider_data: providerDataColumn.encode({
          ...extras,
          postbackPayload: event.payload,
          referral: event.referral,
        }),
      };
    case 'referral':
      return {
        ...base,
        direction: 'INBOUND',
        status: 'RECEIVED',
        kind: 'referral',
        content: '',
        external_message_id: `referral-${event.contactId}-${event.occurredAt.getTime()}`,
        provider_data: providerDataColumn.encode({ ...extras, referral: event.referral }),
      };
  }
}
