// The send job: hands a conversation's queued replies to Meta's Send API one at a time, oldest
// first, so the customer reads them in the order they were written.
//
// QUEUED → SENDING is committed before Meta is called, so whatever happens next (a crash, a
// timeout, an answer that proves nothing) the message is never handed over twice: a message
// found SENDING whose run is gone (its claim lapsed), or left without a clear answer, becomes
// UNCERTAIN and waits for its echo webhook. Only answers that prove Meta did not take it
// (throttling, a refused connection, a transient error) put it back in the queue, with backoff,
// and the replies after it wait behind it. Each reply waits for a slot in its account's shared
// schedule, which keeps every worker within Meta's rate limits; it waits unclaimed, so a run
// that dies while waiting holds nothing back.

import { z } from 'zod';
import { markNeedsReauth } from '../accounts/index.ts';
import {
  attachmentsColumn,
  COMMENT_KIND,
  lockConversationKey,
  messagingWindow,
  privateReplyWindow,
  providerDataColumn,
} from '../conversations/index.ts';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Tx } from '../db/database.ts';
import { defineJob } from '../jobs/job.ts';
import { replyToComment } from '../meta/comments-api.ts';
import { type OutgoingContent, sendMessage, unsealToken } from '../meta/graph-api.ts';
import { classifySendFailure, type SendFailure } from '../meta/send-outcome.ts';
import type { Services } from '../services.ts';
import * as lifecycle from './outbound-lifecycle.ts';
import { lockSendTarget, type OutboundMessage, type SendTarget } from './outbound-messages.repository.ts';
import {
  claimReply,
  findReplyConversation,
  lockNextReply,
  type NextReply,
  peekNextReply,
  releaseClaim,
  renewClaim,
} from './send-queue.repository.ts';
import { holdSends, reserveSendSlot, type SendLane } from './send-rate-slots.repository.ts';

export interface SendLimits {
  textPerSecond: number;
  mediaPerSecond: number;
}

type SendServices = Pick<Services, 'db' | 'graph' | 'cipher' | 'enqueue' | 'sendLimits' | 'claimTtlMs'>;

export const SendMessagesPayload = z.union([
  /** The conversation whose waiting replies go out, oldest first. */
  z.object({ conversationId: z.uuid() }),
  /** A reply's parts, as jobs were queued before replies were sent by conversation. */
  z.object({ messageIds: z.array(z.uuid()).min(1) }),
]);

/** The conversation a send job is for; undefined when its replies are gone. */
export async function conversationOf(
  trx: Tx,
  payload: z.infer<typeof SendMessagesPayload>,
): Promise<string | undefined> {
  return 'conversationId' in payload
    ? payload.conversationId
    : findReplyConversation(trx, payload.messageIds[0] as string);
}

/** Where pg-boss moves a send job that ran out of retries (see resend-dead-letters.job.ts). */
export const SEND_DEAD_LETTER_QUEUE = 'send-messages-dead-letter';

export const sendMessagesJob = defineJob({
  queue: 'send-messages',
  payload: SendMessagesPayload,
  deadLetter: SEND_DEAD_LETTER_QUEUE,
  // Enough conversations in flight to fill Meta's 100/s per account while each waits on the network.
  concurrency: 16,
  run: async (services: SendServices, payload) => {
    const conversationId = await services.db.withService((trx) => conversationOf(trx, payload));
    if (conversationId) await sendConversationReplies(services, conversationId);
  },
});

/** Sends that failed for a passing reason are tried this often before they are given up. */
export const MAX_SEND_ATTEMPTS = 8;
/** A job waits at most this long for its slot; when the lane is booked further ahead it is re-queued. */
export const LONGEST_INLINE_WAIT_MS = 2000;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 5 * 60 * 1000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Meta's slower lane is audio and video (10/s); text (with quick replies), images (one or several),
 * files, templates and reactions share 100/s.
 */
function laneOf(kind: string): SendLane {
  return kind === 'audio' || kind === 'video' ? 'media' : 'text';
}

/** After one step: send the next reply, or stop (nothing due, or another run or job has it). */
type Step = 'next' | 'stop';

/**
 * Sends the conversation's replies until none is due. Any number of runs may drain the same
 * conversation at once: they take its replies one at a time, in order.
 */
export async function sendConversationReplies(services: SendServices, conversationId: string): Promise<void> {
  while ((await sendNextReply(services, conversationId)) === 'next') {}
}

async function sendNextReply(services: SendServices, conversationId: string): Promise<Step> {
  const next = await services.db.withService((trx) => peekNextReply(trx, conversationId));
  // Nothing to send; another run is sending the next reply and goes on after it; or the next
  // reply is waiting out a backoff, and the job that will send it is queued for then.
  if (!next || next.claimed || next.dueLater) return 'stop';
  if (next.status === 'QUEUED') {
    const slot = await waitForSlot(services, conversationId, next);
    if (slot === 'later') return 'stop';
  }
  const claimed = await services.db.withService((trx) => claim(trx, services, conversationId, next.id));
  if (claimed.kind !== 'claimed') return claimed.kind === 'settled' ? 'next' : 'stop';
  return send(services, claimed);
}

/**
 * Books the reply's slot in its account's lane and waits for it, holding nothing: the reply stays
 * QUEUED for any run to take. A lane booked too far ahead re-queues the conversation for later.
 */
async function waitForSlot(
  services: SendServices,
  conversationId: string,
  next: NextReply,
): Promise<'now' | 'later'> {
  const lane = laneOf(next.kind);
  const perSecond = lane === 'media' ? services.sendLimits.mediaPerSecond : services.sendLimits.textPerSecond;
  const slot = await services.db.withService((trx) =>
    reserveSendSlot(trx, {
      connectionId: next.channelConnectionId,
      lane,
      intervalMs: 1000 / perSecond,
      maxAheadMs: LONGEST_INLINE_WAIT_MS,
    }),
  );
  if (!slot.reserved) {
    const at = new Date(Date.now() + slot.retryInMs);
    await services.db.withService((trx) =>
      services.enqueue(trx, sendMessagesJob, { conversationId }, { startAfter: at }),
    );
    return 'later';
  }
  if (slot.waitMs > 0) await sleep(slot.waitMs);
  return 'now';
}

async function send(services: SendServices, claimed: Claimed): Promise<Step> {
  const { target } = claimed;
  const messageId = target.message.id;
  // Renewed while Meta answers, so a slow answer is not mistaken for a dead run.
  const renewal = setInterval(() => {
    services.db
      .withService((trx) => renewClaim(trx, messageId, services.claimTtlMs))
      .catch(() => {
        // The database is away: the claim may lapse, and then the message is left UNCERTAIN.
      });
  }, services.claimTtlMs / 3);
  let mid: string;
  try {
    mid = await handOver(services, claimed);
  } catch (error) {
    return services.db.withService((trx) => recordFailure(services, trx, target, classifyOrAmbiguous(error)));
  } finally {
    clearInterval(renewal);
  }
  await services.db.withService(async (trx) => {
    await lockConversationKey(trx, target.connection.id, target.contactId);
    await lifecycle.accept(trx, target, mid);
    await releaseClaim(trx, messageId);
  });
  return 'next';
}

type Claimed = { kind: 'claimed'; target: SendTarget; token: string; humanAgent: boolean };

/** One call to Meta for the reply: Meta's id for what it took (a message's mid, a comment's id). */
async function handOver(services: SendServices, { target, token, humanAgent }: Claimed): Promise<string> {
  const { message, connection } = target;
  if (message.kind === COMMENT_KIND) {
    const reply = await replyToComment(
      services.graph,
      connection,
      token,
      message.commentParentId ?? '',
      message.content,
    );
    return reply.commentId;
  }
  const sent = await sendMessage(services.graph, connection, token, {
    recipientId: target.contactId,
    privateReplyTo: message.privateReplyTo,
    content: outgoingContent(message),
    replyToMid: message.replyToExternalId,
    humanAgent,
  });
  return sent.messageId;
}

/** What the stored reply asks Meta to show: the body of its one Send API call. */
export function outgoingContent(
  message: Pick<OutboundMessage, 'kind' | 'content' | 'attachments' | 'providerData'>,
): OutgoingContent {
  if (message.kind === 'text') {
    const { quickReplies } = providerDataColumn.decode(message.providerData ?? {});
    return { text: message.content, quickReplies: quickReplies ?? null };
  }
  const attachments = message.attachments === null ? [] : attachmentsColumn.decode(message.attachments);
  if (message.kind === 'template') return { cards: attachments[0]?.elements ?? [] };
  if (message.kind === 'image' && attachments.length > 1) {
    return { images: attachments.flatMap((attachment) => (attachment.url ? [attachment.url] : [])) };
  }
  return { attachment: message.kind, url: attachments[0]?.url ?? null };
}

/**
 * QUEUED → SENDING for the conversation's next reply, after the checks Meta would make, if it is
 * still the one the caller booked a slot for. 'settled': the next reply was resolved without a
 * call (refused up front, or found SENDING by a dead run and left UNCERTAIN). 'busy': another run
 * has it, or it changed meanwhile.
 */
async function claim(
  trx: Tx,
  services: SendServices,
  conversationId: string,
  expectedId: string,
): Promise<Claimed | { kind: 'settled' | 'busy' }> {
  const next = await lockNextReply(trx, conversationId);
  if (!next) return { kind: 'busy' };
  if (next.status === 'SENDING') {
    if (next.claimed) return { kind: 'busy' };
    await lifecycle.recordSetback(trx, next.id, 'interrupt', {
      errorCode: 'interrupted',
      errorMessage:
        'Sending was interrupted while Instagram was being called, so it may or may not have been delivered. Waiting for Instagram to confirm it.',
    });
    await releaseClaim(trx, next.id);
    return { kind: 'settled' };
  }
  // Another run took the reply this one booked for (and maybe more): book again for the next.
  if (next.id !== expectedId || next.dueLater) return { kind: 'busy' };
  const target = await lockSendTarget(trx, next.id);
  if (!target) return { kind: 'busy' };

  const checked = checkBeforeSending(target, services.cipher);
  if ('errorCode' in checked) {
    await lifecycle.recordSetback(trx, next.id, 'refuse', checked);
    return { kind: 'settled' };
  }
  await lifecycle.claim(trx, next.id);
  await claimReply(trx, next.id, services.claimTtlMs);
  return { kind: 'claimed', target, ...checked };
}

/**
 * When Meta takes this reply: a public reply to a comment at any time, a private one within 7
 * days of the comment (it needs no open conversation), a direct message within its window.
 */
function replyWindow(
  target: SendTarget,
): { kind: 'standard' | 'human_agent' } | { kind: 'closed'; reason: string } {
  const { message } = target;
  if (message.kind === COMMENT_KIND) return { kind: 'standard' };
  if (message.privateReplyTo !== null) {
    const at = message.privateReplyCommentAt;
    if (at === null) return { kind: 'closed', reason: 'The comment no longer exists on Instagram.' };
    return privateReplyWindow(at, new Date());
  }
  return messagingWindow({
    lastInboundAt: target.lastInboundAt,
    now: new Date(),
    humanAgentEnabled: target.humanAgentEnabled,
    sentByHuman: message.messagingTag === 'HUMAN_AGENT',
  });
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
  const window = replyWindow(target);
  if (window.kind === 'closed') return { errorCode: 'window_closed', errorMessage: window.reason };
  try {
    const token = unsealToken(cipher, connection.id, connection.accessToken);
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
  services: SendServices,
  trx: Tx,
  target: SendTarget,
  failure: SendFailure,
): Promise<Step> {
  const messageId = target.message.id;
  // The attempt this run claimed; a run that took the message over since owns its outcome.
  const attempt = target.message.sendAttempts + 1;
  await lockConversationKey(trx, target.connection.id, target.contactId);
  const step = await recordOutcome(services, trx, target, failure, attempt);
  await releaseClaim(trx, messageId);
  return step;
}

async function recordOutcome(
  services: SendServices,
  trx: Tx,
  target: SendTarget,
  failure: SendFailure,
  attempt: number,
): Promise<Step> {
  const messageId = target.message.id;
  switch (failure.kind) {
    case 'ambiguous':
      await lifecycle.recordSetback(trx, messageId, 'ambiguous', {
        errorCode: failure.code,
        errorMessage: failure.reason,
        attempt,
      });
      return 'next';
    case 'rejected':
      if (failure.needsReauth) await markNeedsReauth(trx, target.connection.id, failure.reason);
      await lifecycle.recordSetback(trx, messageId, 'reject', {
        errorCode: failure.code,
        errorMessage: failure.reason,
        attempt,
      });
      return 'next';
    case 'throttled':
    case 'unavailable': {
      if (attempt >= MAX_SEND_ATTEMPTS) {
        await lifecycle.recordSetback(trx, messageId, 'reject', {
          errorCode: failure.code,
          attempt,
          errorMessage: `Instagram did not take the message after ${attempt} attempts (${failure.kind === 'throttled' ? 'rate limited' : 'temporarily unavailable'}). Nothing was delivered; retry when you like.`,
        });
        return 'next';
      }
      const delayMs = retryDelayMs(failure, attempt, Math.random);
      if (failure.kind === 'throttled') await holdSends(trx, target.connection.id, delayMs);
      const at = new Date(Date.now() + delayMs);
      // Back in the queue, due at `at`: the replies after it wait behind it until then.
      const requeued = await lifecycle.recordSetback(trx, messageId, 'backoff', {
        attempt,
        retryAt: at,
        errorCode: failure.code,
        errorMessage:
          failure.kind === 'throttled'
            ? `Instagram asked us to slow down; retrying at ${at.toISOString()}.`
            : `${failure.reason} Retrying at ${at.toISOString()}.`,
      });
      if (requeued) {
        await services.enqueue(
          trx,
          sendMessagesJob,
          { conversationId: target.message.conversationId },
          { startAfter: at },
        );
      }
      return 'stop';
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
