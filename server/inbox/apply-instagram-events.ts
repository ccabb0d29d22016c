// Applies one conversation's events from a delivery, in Meta's timestamp order, inside the
// caller's transaction. Each event is first recorded under its unique identity: a redelivered
// event stops there, so every effect below happens exactly once however often Meta delivers.
import type { Tx } from '../db/database.ts';
import type { InstagramEvent } from '../meta/instagram-events.ts';
import type { ConnectionRef } from './connections.repository.ts';
import { registerContact } from './contacts.repository.ts';
import { recordConversationActivity, refreshPreviewFor } from './conversations.repository.ts';
import { listMessageEvents, markApplied, recordEvent } from './instagram-events.repository.ts';
import { createLeadOnce } from './leads.repository.ts';
import { foldMessageEvents, leadOrigin, messageKind, previewOf } from './message-presentation.ts';
import {
  confirmSent,
  findMessageByMid,
  insertMessageOnce,
  markOutboundSeen,
  type NewMessage,
  updateMessageState,
} from './messages.repository.ts';
import { adoptEcho } from './outbound-messages.repository.ts';

export interface ApplyDeps {
  /** Queues a profile lookup for a contact seen for the first time (same transaction). */
  enqueueEnrichment(trx: Tx, contact: { connectionId: string; igsid: string }): Promise<void>;
}

export type EventOutcome = 'applied' | 'pending' | 'duplicate' | 'ignored' | 'unmatched';

type Stored = Extract<InstagramEvent, { kind: 'message' | 'postback' | 'referral' }>;
type Mutation = Extract<InstagramEvent, { kind: 'edit' | 'unsend' | 'reaction' | 'read' }>;

/** Where a conversation's events go: the account, and the conversation if it exists. */
export interface ConversationTarget {
  connection: ConnectionRef | undefined;
  /** Created up front (locked) when the events include a message; absent otherwise. */
  conversationId: string | undefined;
}

function isStored(event: InstagramEvent): event is Stored {
  return event.kind === 'message' || event.kind === 'postback' || event.kind === 'referral';
}

export async function applyConversationEvents(
  trx: Tx,
  deps: ApplyDeps,
  webhookEventId: string,
  target: ConversationTarget,
  events: InstagramEvent[],
): Promise<EventOutcome[]> {
  const { connection, conversationId } = target;
  const outcomes: EventOutcome[] = [];
  let firstInbound: Stored | undefined;
  for (const event of events) {
    if (event.kind === 'ignored') {
      const id = await recordEvent(trx, webhookEventId, event, connection, 'IGNORED', event.reason);
      outcomes.push(id === null ? 'duplicate' : 'ignored');
    } else if (!connection) {
      const reason = 'no workspace has connected this Instagram account';
      const id = await recordEvent(trx, webhookEventId, event, undefined, 'UNMATCHED', reason);
      outcomes.push(id === null ? 'duplicate' : 'unmatched');
    } else if (isStored(event) && conversationId) {
      // Stored in this same transaction (savepoint), so it is recorded as applied right away.
      if ((await recordEvent(trx, webhookEventId, event, connection, 'APPLIED')) === null) {
        outcomes.push('duplicate');
        continue;
      }
      const inbound = await store(trx, connection, conversationId, event);
      if (inbound) firstInbound ??= event;
      // Edits, reactions or reads that arrived before this message are settled now.
      if (event.kind !== 'referral') await settleMessage(trx, connection, event.mid);
      outcomes.push('applied');
    } else if (!isStored(event)) {
      const id = await recordEvent(trx, webhookEventId, event, connection, 'PENDING');
      // An edit, unsend, reaction or read whose message has not arrived waits for it.
      outcomes.push(
        id === null ? 'duplicate' : (await settleMessage(trx, connection, event.mid)) ? 'applied' : 'pending',
      );
    }
  }
  if (connection && conversationId && firstInbound) {
    await rememberContact(trx, deps, connection, conversationId, firstInbound);
  }
  return outcomes;
}

/** The lead (first contact only) and the contact whose profile is to be looked up. */
async function rememberContact(
  trx: Tx,
  deps: ApplyDeps,
  connection: ConnectionRef,
  conversationId: string,
  first: Stored,
) {
  const origin = leadOrigin(first);
  await createLeadOnce(trx, {
    workspaceId: connection.workspaceId,
    connectionId: connection.id,
    conversationId,
    contactId: first.contactId,
    source: origin.source,
    sourceRef: origin.ref,
    sourceAdId: origin.adId,
  });
  const igsid = first.contactId;
  if (
    await registerContact(trx, { workspaceId: connection.workspaceId, connectionId: connection.id, igsid })
  ) {
    await deps.enqueueEnrichment(trx, { connectionId: connection.id, igsid });
  }
}

/** Stores the message and updates the conversation's summary; true for a customer's message. */
async function store(
  trx: Tx,
  connection: ConnectionRef,
  conversationId: string,
  event: Stored,
): Promise<boolean> {
  const row = toMessageRow(connection, conversationId, event);
  if (event.kind === 'message' && event.direction === 'OUTBOUND') {
    // The echo of a send made through this app confirms that row; any other echo was typed
    // elsewhere (the Instagram app, another tool) and is kept as an outbound message.
    // Its mid is unknown when the echo outruns the Send API's answer (or the answer was lost):
    // then it is matched with our waiting send by content and time.
    const known = await findMessageByMid(trx, connection.id, event.mid);
    if (known) await confirmSent(trx, known.id);
    else {
      const adopted = await adoptEcho(trx, {
        conversationId,
        mid: event.mid,
        text: event.text ?? null,
        kind: row.kind ?? 'text',
        at: event.occurredAt,
      });
      if (!adopted) await insertMessageOnce(trx, row);
    }
    await recordConversationActivity(trx, conversationId, {
      at: event.occurredAt,
      preview: previewFor(row, event),
      inbound: false,
      unread: false,
    });
    return false;
  }
  const inserted = (await insertMessageOnce(trx, row)) !== null;
  // A referral opens the messaging window but is not something the customer wrote.
  const visible = event.kind !== 'referral';
  await recordConversationActivity(trx, conversationId, {
    at: event.occurredAt,
    preview: visible ? previewFor(row, event) : null,
    inbound: true,
    unread: inserted && visible,
  });
  return true;
}

function previewFor(row: NewMessage, event: Stored): string {
  return previewOf({
    direction: row.direction,
    kind: row.kind ?? 'text',
    text: row.content ?? '',
    attachments: event.kind === 'message' ? event.attachments : [],
  });
}

function toMessageRow(connection: ConnectionRef, conversationId: string, event: Stored): NewMessage {
  const base = {
    workspace_id: connection.workspaceId,
    conversation_id: conversationId,
    channel_connection_id: connection.id,
    occurred_at: event.occurredAt,
  };
  switch (event.kind) {
    case 'message':
      return {
        ...base,
        direction: event.direction,
        status: event.direction === 'OUTBOUND' ? 'SENT' : 'RECEIVED',
        kind: messageKind(event),
        content: event.text ?? '',
        attachments: event.attachments.length > 0 ? JSON.stringify(event.attachments) : null,
        external_message_id: event.mid,
        reply_to_external_id: event.replyTo?.kind === 'message' ? event.replyTo.mid : null,
        provider_data: JSON.stringify({
          replyToStory: event.replyTo?.kind === 'story' ? event.replyTo : null,
          quickReplyPayload: event.quickReplyPayload,
          referral: event.referral,
          standby: event.standby,
          // Typed outside this app (the Instagram app or another tool).
          ...(event.direction === 'OUTBOUND' ? { origin: 'echo' } : {}),
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
        provider_data: JSON.stringify({ payload: event.payload, referral: event.referral }),
      };
    case 'referral':
      return {
        ...base,
        direction: 'INBOUND',
        status: 'RECEIVED',
        kind: 'referral',
        content: '',
        external_message_id: `referral-${event.contactId}-${event.occurredAt.getTime()}`,
        provider_data: JSON.stringify({ referral: event.referral }),
      };
  }
}

/**
 * Brings a stored message up to date with every edit, unsend, reaction and read recorded for it,
 * whatever order they arrived in. Returns false when the message itself has not arrived yet.
 */
async function settleMessage(trx: Tx, connection: ConnectionRef, mid: Mutation['mid']): Promise<boolean> {
  const events = await listMessageEvents(trx, connection.id, mid);
  if (events.length === 0) return true; // nothing waits for this message
  const message = await findMessageByMid(trx, connection.id, mid);
  if (!message) return false;
  const mutations = events.filter((e) => e.kind !== 'read');
  if (mutations.length > 0) {
    const folded = foldMessageEvents(mutations);
    const unsent = folded.unsentAt !== null;
    const content = unsent ? '' : (folded.text ?? message.content);
    await updateMessageState(trx, message.id, {
      // An unsent message keeps no content: the customer took it back.
      content,
      attachments: unsent ? null : (message.attachments as NewMessage['attachments']),
      edit_count: folded.editCount,
      edited_at: folded.editedAt,
      unsent_at: folded.unsentAt,
      reactions: JSON.stringify(folded.reactions),
    });
    const attachments = unsent ? [] : ((message.attachments as { kind: never }[] | null) ?? []);
    await refreshPreviewFor(
      trx,
      message.conversationId,
      message.occurredAt,
      previewOf({ direction: message.direction, kind: message.kind, text: content, attachments, unsent }),
    );
  }
  for (const read of events.filter((e) => e.kind === 'read')) {
    await markOutboundSeen(trx, message.conversationId, message.occurredAt, read.occurredAt);
  }
  await markApplied(
    trx,
    events.map((e) => e.id),
  );
  return true;
}
