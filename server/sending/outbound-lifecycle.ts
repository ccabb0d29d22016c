// The lifecycle of a reply this app sends: its states, every move between them, and the one
// function that makes each move. A move only happens from the states it names, checked in the
// same UPDATE, so two parties racing over a reply (the send job, an echo webhook, an operator)
// cannot move it along a path this table does not have.
//
//   (queued) ─▶ QUEUED ─claim─▶ SENDING ─accept─▶ SENT
//                 ▲ │             │ │ │
//                 │ └─refuse─┐    │ │ └─interrupt / ambiguous─▶ UNCERTAIN ─deliveredVerdict─▶ SENT
//                 │          ▼    │ └──reject──▶ FAILED ◀──notDeliveredVerdict── UNCERTAIN
//                 └──backoff──────┘              │
//                 └───────────retry──────────────┘
//
// An echo webhook proves Meta took the message, so `adoptEcho` and `confirmByEcho` move a reply
// to SENT from wherever it waits, and so does Meta's own answer (`accept`), however late.
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { attachmentsColumn, COMMENT_KIND, type NewMessage } from '../conversations/index.ts';
import type { Tx } from '../db/database.ts';
import type { Attachment } from '../meta/instagram-events.ts';
import type { OutboundStatus, SendTarget } from './outbound-messages.repository.ts';

const EVERY_STATE: readonly OutboundStatus[] = ['QUEUED', 'SENDING', 'SENT', 'FAILED', 'UNCERTAIN'];

export const TRANSITIONS = {
  /** The send job takes the reply: from here on a crash leaves it UNCERTAIN, never re-sent. */
  claim: { from: ['QUEUED'], to: 'SENDING' },
  /** Meta would refuse it (window closed, account gone): not sent at all. */
  refuse: { from: ['QUEUED'], to: 'FAILED' },
  /** The run sending it died (its claim lapsed): Meta may or may not have it. */
  interrupt: { from: ['SENDING'], to: 'UNCERTAIN' },
  /** Meta's answer proves nothing either way (a timeout, a dropped connection). */
  ambiguous: { from: ['SENDING'], to: 'UNCERTAIN' },
  /** Meta refused it, or did not take it after every attempt. */
  reject: { from: ['SENDING'], to: 'FAILED' },
  /** Meta did not take it for a passing reason: back in the queue, due later. */
  backoff: { from: ['SENDING'], to: 'QUEUED' },
  /** Meta named its mid. Meta's word wins over whatever the reply was marked meanwhile. */
  accept: { from: EVERY_STATE, to: 'SENT' },
  /** Another of our replies turned out to own the mid this one was credited with. */
  misattributed: { from: EVERY_STATE, to: 'UNCERTAIN' },
  /** An echo with a new mid matched a reply still waiting for Meta's answer. */
  adoptEcho: { from: ['SENDING', 'UNCERTAIN'], to: 'SENT' },
  /** An echo of a reply whose mid we know. */
  confirmByEcho: { from: ['QUEUED', 'SENDING', 'UNCERTAIN', 'FAILED'], to: 'SENT' },
  /** An operator sends a failed reply again. */
  retry: { from: ['FAILED'], to: 'QUEUED' },
  /** An operator's verdict on an uncertain reply. */
  deliveredVerdict: { from: ['UNCERTAIN'], to: 'SENT' },
  notDeliveredVerdict: { from: ['UNCERTAIN'], to: 'FAILED' },
} as const satisfies Record<string, { from: readonly OutboundStatus[]; to: OutboundStatus }>;

export type Transition = keyof typeof TRANSITIONS;

/** The moves a send that did not succeed can make. */
export type SendSetback = Extract<Transition, 'refuse' | 'interrupt' | 'ambiguous' | 'reject' | 'backoff'>;

/** Only a reply in one of the transition's `from` states moves. */
function moving(trx: Tx, messageId: string, transition: Transition) {
  const { from, to } = TRANSITIONS[transition];
  return {
    to,
    update: trx
      .updateTable('conversation_messages')
      .where('id', '=', messageId)
      .where('direction', '=', 'OUTBOUND')
      .where('status', 'in', from),
  };
}

/**
 * Stores a reply's parts QUEUED, in order; parts whose idempotency key exists are left as they
 * are. One statement per part: each then takes its own `occurred_at` (the column defaults to the
 * clock, not the transaction's start), so a reply's text always shows before its attachment.
 */
export async function queueParts(trx: Tx, parts: Omit<NewMessage, 'status'>[]): Promise<string[]> {
  const ids: string[] = [];
  for (const part of parts) {
    const row = await trx
      .insertInto('conversation_messages')
      .values({ ...part, status: 'QUEUED' })
      .onConflict((oc) => oc.columns(['conversation_id', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) ids.push(row.id);
  }
  return ids;
}

export async function claim(trx: Tx, messageId: string): Promise<void> {
  const { to, update } = moving(trx, messageId, 'claim');
  await update
    .set((eb) => ({
      status: to,
      send_attempts: sql<number>`send_attempts + 1`,
      last_attempt_at: sql<Date>`now()`,
      next_attempt_at: eb.val<Date | null>(null),
      error_code: eb.val<string | null>(null),
      error_message: eb.val<string | null>(null),
    }))
    .execute();
}

/** Records why a send did not succeed (yet); false if the reply was not in a state to move. */
export async function recordSetback(
  trx: Tx,
  messageId: string,
  setback: SendSetback,
  details: {
    errorCode: string;
    errorMessage: string;
    /** Only if the row is still at this attempt (a later run may have taken it over). */
    attempt?: number;
    /** Back in the queue: not to be sent again before this. */
    retryAt?: Date;
  },
): Promise<boolean> {
  const { to, update } = moving(trx, messageId, setback);
  let query = update.set({
    status: to,
    error_code: details.errorCode,
    error_message: details.errorMessage,
    next_attempt_at: details.retryAt ?? null,
  });
  if (details.attempt !== undefined) query = query.where('send_attempts', '=', details.attempt);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Meta accepted the message and named its id: a message's mid, or a public reply's comment id.
 * If the echo (or the reply's own webhook) got here first and could not be told apart from one
 * typed elsewhere, it was stored as a row of its own: that row goes, so the message exists once.
 */
export async function accept(trx: Tx, target: SendTarget, id: string): Promise<void> {
  const key = target.message.kind === COMMENT_KIND ? 'comment_id' : 'external_message_id';
  await trx
    .deleteFrom('conversation_messages')
    .where('channel_connection_id', '=', target.connection.id)
    .where(key, '=', id)
    .where('id', '<>', target.message.id)
    .where('idempotency_key', 'is', null)
    .execute();
  // Defensive: if another of our sends was credited with this echo, it goes back to waiting.
  await trx
    .updateTable('conversation_messages')
    .set({ [key]: null, status: TRANSITIONS.misattributed.to })
    .where('channel_connection_id', '=', target.connection.id)
    .where(key, '=', id)
    .where('id', '<>', target.message.id)
    .where('direction', '=', 'OUTBOUND')
    .where('status', 'in', TRANSITIONS.misattributed.from)
    .execute();
  const { to, update } = moving(trx, target.message.id, 'accept');
  await update
    .set({
      status: to,
      [key]: id,
      sent_at: sql<Date>`coalesce(sent_at, now())`,
      error_code: null,
      error_message: null,
    })
    .execute();
}

/** An echo of a message this app sent: Meta accepted it, whatever the send call reported. */
export async function confirmByEcho(trx: Tx, messageId: string): Promise<void> {
  const { to, update } = moving(trx, messageId, 'confirmByEcho');
  await update
    .set({ status: to, sent_at: sql<Date>`coalesce(sent_at, now())`, error_code: null, error_message: null })
    .execute();
}

/** How long before an echo its send may have been handed to Meta (a slow or hung call). */
const ECHO_MATCH_WINDOW_MS = 10 * 60 * 1000;

/**
 * An echo with a mid we have not seen: if it is one of our sends still waiting for Meta's answer
 * (or left UNCERTAIN), with the same text, or (an echo without text: media or a template) the same
 * kind and shape, sent shortly before, it is that message. The shape is what an echo can tell
 * about what we sent: its number of media (Meta's echo links point at its own CDN, not at ours),
 * and a template's card titles. Returns the adopted message's id.
 */
export async function adoptEcho(
  trx: Tx,
  echo: {
    conversationId: string;
    mid: string;
    text: string | null;
    kind: string;
    at: Date;
    attachments: Pick<Attachment, 'elements'>[];
  },
): Promise<string | null> {
  const candidates = await trx
    .selectFrom('conversation_messages')
    .select(['id', 'attachments'])
    .where('conversation_id', '=', echo.conversationId)
    .where('direction', '=', 'OUTBOUND')
    .where('external_message_id', 'is', null)
    .where('status', 'in', TRANSITIONS.adoptEcho.from)
    .where('kind', '=', echo.kind)
    .where((eb) => (echo.text === null ? eb('kind', '<>', 'text') : eb('content', '=', echo.text)))
    .where('last_attempt_at', '>=', new Date(echo.at.getTime() - ECHO_MATCH_WINDOW_MS))
    .limit(ADOPTION_CANDIDATES)
    .execute();
  const matching = candidates.filter((candidate) => sameShape(echo, candidate.attachments));
  // Two identical replies in flight: the echo cannot say which it is; its own row is merged when
  // the Send API names the mid.
  if (matching.length !== 1) return null;
  const candidate = matching[0] as { id: string };
  const { to, update } = moving(trx, candidate.id, 'adoptEcho');
  await update
    .set({
      status: to,
      external_message_id: echo.mid,
      sent_at: echo.at,
      error_code: null,
      error_message: null,
    })
    .execute();
  return candidate.id;
}

/** Replies of one conversation waiting for their echo at once: a burst, never hundreds. */
const ADOPTION_CANDIDATES = 50;

const cardTitles = (attachments: Pick<Attachment, 'elements'>[]) =>
  attachments.flatMap((attachment) => (attachment.elements ?? []).map((card) => card.title));

/** Whether an echo's media or cards could be the ones a stored reply sent. */
function sameShape(
  echo: { text: string | null; attachments: Pick<Attachment, 'elements'>[] },
  stored: unknown,
) {
  if (echo.text !== null) return true;
  const sent = stored === null ? [] : attachmentsColumn.decode(stored);
  if (sent.length !== echo.attachments.length) return false;
  // A template's echo carries its cards (`payload.generic`); one without them says nothing more.
  const echoed = cardTitles(echo.attachments);
  return echoed.length === 0 || isDeepStrictEqual(echoed, cardTitles(sent));
}

/**
 * The webhook of a public reply whose comment id we have not seen: our reply under the same
 * comment, with the same words, still waiting for Meta's answer (or left UNCERTAIN), is it.
 * Returns the adopted message's id.
 */
export async function adoptCommentEcho(
  trx: Tx,
  echo: { conversationId: string; parentId: string; commentId: string; text: string; at: Date },
): Promise<string | null> {
  const candidates = await trx
    .selectFrom('conversation_messages')
    .select('id')
    .where('conversation_id', '=', echo.conversationId)
    .where('direction', '=', 'OUTBOUND')
    .where('kind', '=', COMMENT_KIND)
    .where('comment_parent_id', '=', echo.parentId)
    .where('comment_id', 'is', null)
    .where('status', 'in', TRANSITIONS.adoptEcho.from)
    .where('content', '=', echo.text)
    .limit(2)
    .execute();
  if (candidates.length !== 1) return null;
  const candidate = candidates[0] as { id: string };
  const { to, update } = moving(trx, candidate.id, 'adoptEcho');
  await update
    .set({ status: to, comment_id: echo.commentId, sent_at: echo.at, error_code: null, error_message: null })
    .execute();
  return candidate.id;
}

/** An operator's retry; false if the message is not (or no longer) failed. */
export async function retry(trx: Tx, messageId: string): Promise<boolean> {
  const { to, update } = moving(trx, messageId, 'retry');
  const result = await update
    .set({ status: to, error_code: null, error_message: null, send_attempts: 0 })
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** An operator's verdict on an UNCERTAIN message; false if it is no longer uncertain. */
export async function settleUncertain(trx: Tx, messageId: string, delivered: boolean): Promise<boolean> {
  const { to, update } = moving(trx, messageId, delivered ? 'deliveredVerdict' : 'notDeliveredVerdict');
  const result = await update
    .set(
      delivered
        ? { status: to, sent_at: sql<Date>`now()`, error_code: null, error_message: null }
        : {
            status: to,
            error_code: 'not_delivered',
            error_message: 'Marked as not delivered by an operator.',
          },
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
