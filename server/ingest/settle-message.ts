// Brings a stored message up to date with every edit, unsend, reaction and read recorded for it,
// whatever order they arrived in, and makes sure that what the customer took back (an unsent
// message, the words an edit replaced) is gone from every copy we hold, the ledgers included.

import type { ConnectionRef } from '../accounts/index.ts';
import {
  attachmentsColumn,
  findMessageByMid,
  foldMessageEvents,
  markOutboundSeen,
  previewOf,
  providerDataColumn,
  reactionsColumn,
  refreshPreviewFor,
  updateMessageState,
} from '../conversations/index.ts';
import type { Tx } from '../db/database.ts';
import { type RedactionScope, redactDelivery, redactEvent } from '../meta/redact-delivery.ts';
import {
  listMessageCopies,
  listMessageEvents,
  markApplied,
  replaceEventPayload,
} from './instagram-events.repository.ts';
import { readRawBodies, replaceRawBody } from './webhook-ledger.repository.ts';

/** Events that may add a copy of a message's words to the ledgers, or take them back. */
export const REDACTING_KINDS: ReadonlySet<string> = new Set(['message', 'postback', 'edit', 'unsend']);

/**
 * False when the message itself has not arrived yet (its events wait for it). `redact`: the event
 * that led here is of a REDACTING_KINDS kind, so the copies of replaced words are looked for; a
 * reaction or a seen mark adds none, and skips that read of the ledgers.
 */
export async function settleMessage(
  trx: Tx,
  connection: ConnectionRef,
  mid: string,
  options: { redact: boolean },
): Promise<boolean> {
  const events = await listMessageEvents(trx, connection.id, mid);
  if (events.length === 0) return true; // nothing waits for this message
  const message = await findMessageByMid(trx, connection.id, mid);
  if (!message) return false;
  const mutations = events.filter((e) => e.event.kind !== 'read');
  if (mutations.length > 0) {
    const folded = foldMessageEvents(mutations);
    const unsent = folded.unsentAt !== null;
    const content = unsent ? '' : (folded.text ?? message.content);
    await updateMessageState(trx, message.id, {
      content,
      edit_count: folded.editCount,
      edited_at: folded.editedAt,
      unsent_at: folded.unsentAt,
      reactions: reactionsColumn.encode(folded.reactions),
      // An unsent message keeps no content: no media, no story link, no button payload.
      ...(unsent ? { attachments: null, provider_data: withoutContent(message.providerData) } : {}),
    });
    const attachments =
      unsent || message.attachments === null ? [] : attachmentsColumn.decode(message.attachments);
    await refreshPreviewFor(
      trx,
      message.conversationId,
      message.occurredAt,
      previewOf({ direction: message.direction, kind: message.kind, text: content, attachments, unsent }),
    );
    if (options.redact && (unsent || folded.editCount > 0)) {
      await redactCopies(trx, connection.id, { mid, unsent, latestEdit: folded.editCount });
    }
  }
  for (const read of events.filter((e) => e.event.kind === 'read')) {
    await markOutboundSeen(trx, message.conversationId, message.occurredAt, read.occurredAt);
  }
  await markApplied(
    trx,
    events.map((e) => e.id),
  );
  return true;
}

function withoutContent(stored: unknown) {
  const data = providerDataColumn.decode(stored ?? {});
  return providerDataColumn.encode({
    ...data,
    replyToStory: null,
    quickReplyPayload: null,
    postbackPayload: null,
    quickReplies: null,
  });
}

/**
 * The message's (or comment's) content out of the parsed events and the raw deliveries that
 * carried them.
 */
export async function redactCopies(trx: Tx, connectionId: string, scope: RedactionScope): Promise<void> {
  const copies = await listMessageCopies(trx, connectionId, scope.mid);
  for (const copy of copies) {
    const redacted = redactEvent(copy.event, scope);
    if (redacted) await replaceEventPayload(trx, copy.id, redacted);
  }
  const deliveries = [...new Set(copies.flatMap((copy) => copy.deliveries))];
  for (const delivery of await readRawBodies(trx, deliveries)) {
    const redacted = redactDelivery(delivery.rawBody, scope);
    if (redacted) await replaceRawBody(trx, delivery.id, redacted);
  }
}
