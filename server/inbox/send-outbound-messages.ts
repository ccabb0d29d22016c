// The send job: hands queued replies to Meta's Send API one part at a time, in order.
//
// QUEUED → SENDING is committed before Meta is called, so whatever happens next (a crash, a
// timeout, an answer that proves nothing) the message is never handed over twice: a message
// found SENDING by a later run, or left without a clear answer, becomes UNCERTAIN and waits for
// its echo webhook. Only answers that prove Meta did not take it (throttling, a refused
// connection, a transient error) put it back in the queue, with backoff. Each part waits for a
// slot in its account's shared schedule, which keeps every worker within Meta's rate limits.
import type { TokenCipher } from '../crypto/token-cipher.ts';
import { tokenContext } from '../crypto/token-cipher.ts';
import type { Database, Tx } from '../db/database.ts';
import type { GraphClient } from '../meta/graph-client.ts';
import { sendApiRequest } from '../meta/send-api.ts';
import { classifySendFailure, type SendFailure } from '../meta/send-outcome.ts';
import { markNeedsReauth } from './connections.repository.ts';
import { lockConversationKey } from './conversations.repository.ts';
import { firstAttachmentUrl } from './jsonb-columns.ts';
import { messagingWindow } from './messaging-window.ts';
import {
  findSendState,
  lockSendTarget,
  markSending,
  markSent,
  recordSendOutcome,
  type SendTarget,
} from './outbound-messages.repository.ts';
import type { EnqueueSend } from './queue-outbound-message.ts';
import { holdSends, reserveSendSlot, type SendLane } from './send-rate-slots.repository.ts';

export interface SendLimits {
  textPerSecond: number;
  mediaPerSecond: number;
}

export interface SendDeps {
  db: Database;
  graph: GraphClient;
  cipher: TokenCipher;
  enqueueSend: EnqueueSend;
  limits: SendLimits;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Sends that failed for a passing reason are tried this often before they are given up. */
export const MAX_SEND_ATTEMPTS = 8;
/** A job waits at most this long for its slot; when the lane is booked further ahead it is re-queued. */
export const LONGEST_INLINE_WAIT_MS = 2000;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 5 * 60 * 1000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Meta's slower lane is audio and video (10/s); text, images, files and reactions share 100/s. */
function laneOf(kind: string): SendLane {
  return kind === 'audio' || kind === 'video' ? 'media' : 'text';
}

type PartResult = { next: 'continue' } | { next: 'later'; at: Date };

export async function sendOutboundMessages(deps: SendDeps, messageIds: string[]): Promise<void> {
  for (const [index, messageId] of messageIds.entries()) {
    const result = await sendPart(deps, messageId, messageIds.slice(index));
    if (result.next === 'later') return;
  }
}

async function sendPart(deps: SendDeps, messageId: string, remaining: string[]): Promise<PartResult> {
  const sleep = deps.sleep ?? defaultSleep;
  const slot = await deps.db.withService(async (trx) => {
    const message = await findSendState(trx, messageId);
    // Deleted, or settled meanwhile: no slot is booked for it. (SENDING goes on to be marked UNCERTAIN.)
    if (!message || (message.status !== 'QUEUED' && message.status !== 'SENDING')) return null;
    const lane = laneOf(message.kind);
    const perSecond = lane === 'media' ? deps.limits.mediaPerSecond : deps.limits.textPerSecond;
    return reserveSendSlot(trx, {
      connectionId: message.channel_connection_id,
      lane,
      intervalMs: 1000 / perSecond,
      maxAheadMs: LONGEST_INLINE_WAIT_MS,
    });
  });
  if (!slot) return { next: 'continue' };
  if (!slot.reserved) {
    // The lane is booked further ahead than a job should wait: come back when it has room.
    const at = new Date(Date.now() + slot.retryInMs);
    await deps.db.withService((trx) => deps.enqueueSend(trx, remaining, at));
    return { next: 'later', at };
  }
  if (slot.waitMs > 0) await sleep(slot.waitMs);

  const claimed = await deps.db.withService((trx) => claim(trx, deps.cipher, messageId));
  if (!claimed) return { next: 'continue' };
  const { target } = claimed;

  let mid: string;
  try {
    const answer = await deps.graph.request<{ message_id?: string }>(
      sendApiRequest(target.connection, claimed.token, sendApiBody(target, claimed.humanAgent)),
    );
    if (!answer.message_id) throw new Error('the Send API answered without a message_id');
    mid = answer.message_id;
  } catch (error) {
    return deps.db.withService((trx) =>
      recordFailure(deps, trx, target, classifyOrAmbiguous(error), remaining),
    );
  }
  await deps.db.withService(async (trx) => {
    await lockConversationKey(trx, target.connection.id, target.contactId);
    await markSent(trx, target, mid);
  });
  return { next: 'continue' };
}

type Claimed = { target: SendTarget; token: string; humanAgent: boolean };

/**
 * QUEUED → SENDING, after the checks Meta would make; undefined when there is nothing to send
 * (sent, failed, or found SENDING: an earlier run died while Meta was being called).
 */
async function claim(trx: Tx, cipher: TokenCipher, messageId: string): Promise<Claimed | undefined> {
  const target = await lockSendTarget(trx, messageId);
  if (!target) return undefined;
  if (target.message.status === 'SENDING') {
    await recordSendOutcome(trx, messageId, {
      from: ['SENDING'],
      status: 'UNCERTAIN',
      errorCode: 'interrupted',
      errorMessage:
        'Sending was interrupted while Instagram was being called, so it may or may not have been delivered. Waiting for Instagram to confirm it.',
    });
    return undefined;
  }
  if (target.message.status !== 'QUEUED') return undefined;

  const checked = checkBeforeSending(target, cipher);
  if ('errorCode' in checked) {
    await recordSendOutcome(trx, messageId, { from: ['QUEUED'], status: 'FAILED', ...checked });
    return undefined;
  }
  await markSending(trx, messageId);
  return { target, ...checked };
}

/**
 * Why Meta would refuse this message now, without asking Meta; otherwise the token to send with
 * and whether it goes out with the HUMAN_AGENT tag.
 */
function checkBeforeSending(
  target: SendTarget,
  cipher: TokenCipher,
): { errorCode: string; errorMessage: string } | { token: string; humanAgent: boolean } {
  const { connection } = target;
  if (connection.status !== 'CONNECTED' || !connection.accessToken) {
    return {
      errorCode: 'account_unavailable',
      errorMessage:
        connection.status === 'DISCONNECTED'
          ? 'The Instagram account was disconnected before the reply could be sent.'
          : 'The Instagram account must be reconnected before replies can be sent.',
    };
  }
  const window = messagingWindow({
    lastInboundAt: target.lastInboundAt,
    now: new Date(),
    humanAgentEnabled: target.humanAgentEnabled,
    sentByHuman: target.message.messagingTag === 'HUMAN_AGENT',
  });
  if (window.kind === 'closed') return { errorCode: 'window_closed', errorMessage: window.reason };
  try {
    const token = cipher.decrypt(connection.accessToken, tokenContext(connection.id, 'access_token'));
    // Only outside the 24 hours: within them a reply needs no tag (peer lesson: never tag everything).
    return { token, humanAgent: window.kind === 'human_agent' };
  } catch {
    return {
      errorCode: 'token_unreadable',
      errorMessage:
        "The account's access token cannot be decrypted with the configured keys; reconnect the account.",
    };
  }
}

function sendApiBody(target: SendTarget, humanAgent: boolean): Record<string, unknown> {
  const { message } = target;
  return {
    recipient: { id: target.contactId },
    message:
      message.kind === 'text'
        ? { text: message.content }
        : { attachment: { type: message.kind, payload: { url: firstAttachmentUrl(message.attachments) } } },
    ...(message.replyToExternalId ? { reply_to: { mid: message.replyToExternalId } } : {}),
    ...(humanAgent ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } : {}),
  };
}

/** A failure that is not a Graph or network error (a bug, a bad answer) leaves the outcome unknown. */
function classifyOrAmbiguous(error: unknown): SendFailure {
  try {
    return classifySendFailure(error);
  } catch {
    console.error('send: unexpected failure while calling the Send API', error);
    return {
      kind: 'ambiguous',
      code: 'unknown',
      reason:
        'Something went wrong while sending, so it may or may not have been delivered. Waiting for Instagram to confirm it.',
    };
  }
}

async function recordFailure(
  deps: SendDeps,
  trx: Tx,
  target: SendTarget,
  failure: SendFailure,
  remaining: string[],
): Promise<PartResult> {
  const messageId = target.message.id;
  // The attempt this run claimed; a run that took the message over since owns its outcome.
  const attempt = target.message.sendAttempts + 1;
  await lockConversationKey(trx, target.connection.id, target.contactId);
  switch (failure.kind) {
    case 'ambiguous':
      await recordSendOutcome(trx, messageId, {
        from: ['SENDING'],
        status: 'UNCERTAIN',
        errorCode: failure.code,
        errorMessage: failure.reason,
        attempt,
      });
      return { next: 'continue' };
    case 'rejected':
      if (failure.needsReauth) await markNeedsReauth(trx, target.connection.id, failure.reason);
      await recordSendOutcome(trx, messageId, {
        from: ['SENDING'],
        status: 'FAILED',
        errorCode: failure.code,
        errorMessage: failure.reason,
        attempt,
      });
      return { next: 'continue' };
    case 'throttled':
    case 'unavailable': {
      if (attempt >= MAX_SEND_ATTEMPTS) {
        await recordSendOutcome(trx, messageId, {
          from: ['SENDING'],
          status: 'FAILED',
          errorCode: failure.code,
          attempt,
          errorMessage: `Instagram did not take the message after ${attempt} attempts (${failure.kind === 'throttled' ? 'rate limited' : 'temporarily unavailable'}). Nothing was delivered; retry when you like.`,
        });
        return { next: 'continue' };
      }
      const delayMs = retryDelayMs(failure, attempt, deps.random ?? Math.random);
      if (failure.kind === 'throttled') await holdSends(trx, target.connection.id, delayMs);
      const at = new Date(Date.now() + delayMs);
      const requeued = await recordSendOutcome(trx, messageId, {
        from: ['SENDING'],
        status: 'QUEUED',
        attempt,
        errorCode: failure.code,
        errorMessage:
          failure.kind === 'throttled'
            ? `Instagram asked us to slow down; retrying at ${at.toISOString()}.`
            : `${failure.reason} Retrying at ${at.toISOString()}.`,
      });
      if (requeued) await deps.enqueueSend(trx, remaining, at);
      return { next: 'later', at };
    }
  }
}

/** Exponential backoff with jitter, never sooner than Meta's own hint. */
export function retryDelayMs(failure: SendFailure, attempt: number, random: () => number): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  const hintMs =
    failure.kind === 'throttled' && failure.retryAfterSeconds ? failure.retryAfterSeconds * 1000 : 0;
  return Math.max(hintMs + random() * 250, jittered);
}
