// The Send API (reference §5, simulator contract §10.4): POST /{IG_ID|me|PAGE_ID}/messages on
// both hosts. It enforces what Meta enforces — the recipient must exist and have written first,
// 24 hours (7 days with the HUMAN_AGENT tag), what a message may hold (send-content.ts: 1000 bytes
// of text, https attachments, PDF files, up to 10 images, quick replies, generic and button
// templates), the owner's "Allow access to messages" toggle, customers who blocked the account, and
// per-account rate limits — answers `{recipient_id, message_id}`, puts the message in the
// customer's thread and sends the echo webhook with the same mid. `recipient: {comment_id}` is a
// private reply (private-replies.ts). Sender actions answer `{recipient_id}` only.
import type { GraphCall, GraphEndpoint } from './graph-api.ts';
import { objectArg } from './graph-args.ts';
import { GraphError, invalidParameter, rateLimited, unsupportedRequest } from './graph-errors.ts';
import { newMid } from './ids.ts';
import { createPrivateReplies } from './private-replies.ts';
import { createRateLimiter } from './rate-limit.ts';
import type { EchoAttachmentInput, Scenarios } from './scenarios.ts';
import { type OutgoingMessage, parseOutgoingMessage } from './send-content.ts';
import { findMessage } from './threads.ts';
import type { Account, Customer } from './world.ts';

const HOUR_MS = 60 * 60 * 1000;
const STANDARD_WINDOW_MS = 24 * HOUR_MS;
const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS;
const SENDER_ACTIONS = ['react', 'unreact', 'typing_on', 'typing_off', 'mark_seen'] as const;

export interface SendRateLimits {
  /** Calls per second per account for text, images, files and sender actions. */
  textPerSecond: number;
  /** Calls per second per account for audio and video. */
  mediaPerSecond: number;
}

/** A message the Send API accepted, as the simulator saw it (the benchmark counts duplicates). */
export interface SentRecord {
  mid: string;
  accountIgId: string;
  /** The customer's IGSID (for a private reply, the commenter's). */
  recipientId: string;
  text: string | null;
  /** The first image, video, audio or file: what older readers look at. */
  attachment: { type: string; url: string } | null;
  /** Every image, video, audio or file as it reached the customer (an attachment_id as its CDN URL). */
  attachments: { type: string; url: string }[];
  /** The `message` parameter exactly as the Send API accepted it. */
  message: Record<string, unknown>;
  /** The comment a private reply answers; null for other messages. */
  commentId: string | null;
  tag: string | null;
  at: number;
}

export interface SenderActionRecord {
  accountIgId: string;
  recipientId: string;
  action: (typeof SENDER_ACTIONS)[number];
  payload: Record<string, unknown> | null;
  at: number;
}

const windowClosed = () =>
  new GraphError({
    code: 10,
    subcode: 2534022,
    type: 'OAuthException',
    message: '(#10) This message is sent outside of allowed window.',
  });

const noMatchingUser = () =>
  new GraphError({ code: 100, subcode: 2534014, message: '(#100) No matching Instagram user' });

const accessDisabled = () =>
  new GraphError({
    code: 200,
    subcode: 2534041,
    message: '(#200) The user has disabled access to messages for connected tools',
  });

const userUnavailable = () =>
  new GraphError({ code: 551, subcode: 1545041, message: "(#551) This person isn't available right now." });

/** `now`: the simulator clock, which the rate limits refill on. */
export function createSendApi(
  scenarios: Pick<Scenarios, 'businessEcho'>,
  initialLimits: SendRateLimits,
  now: () => number,
  privateRepliesPerHour?: number,
) {
  let limits = { ...initialLimits };
  const sent: SentRecord[] = [];
  const senderActions: SenderActionRecord[] = [];
  const accessOff = new Set<string>();
  const blocked = new Set<string>();
  const limiter = createRateLimiter(now);
  const pair = (account: Account, customer: Customer) => `${account.igId}:${customer.igsid}`;

  /** One bucket per account and lane. */
  function takeRateToken(account: Account, lane: 'text' | 'media'): void {
    const perSecond = lane === 'media' ? limits.mediaPerSecond : limits.textPerSecond;
    if (!limiter.take(`${account.igId}:${lane}`, perSecond)) throw rateLimited();
  }

  function customerOf(call: GraphCall, recipient: Record<string, unknown> | undefined): Customer {
    const id = recipient?.id;
    if (typeof id !== 'string' && typeof id !== 'number')
      throw invalidParameter('param recipient[id] is required');
    const customer = call.world.customers().find((c) => c.igsid === String(id));
    if (!customer) throw noMatchingUser();
    return customer;
  }

  function checkNode(call: GraphCall): void {
    const node = call.params.node;
    const own = [call.account.igId, call.account.pageId, 'me'];
    if (!own.includes(node ?? '')) throw unsupportedRequest(call.host, 'POST', node ?? '');
  }

  function checkWindow(account: Account, customer: Customer, call: GraphCall, tagged: boolean): void {
    const thread = call.world.thread(account, customer);
    const lastFromCustomer = thread.messages.findLast((m) => m.from === 'customer');
    if (!lastFromCustomer) throw windowClosed();
    const age = Date.now() - lastFromCustomer.timestamp;
    if (age > (tagged ? HUMAN_AGENT_WINDOW_MS : STANDARD_WINDOW_MS)) throw windowClosed();
  }

  /** The owner's toggle and the customer's block, checked before anything reaches a customer. */
  function checkAccess(account: Account, customer: Customer): void {
    if (accessOff.has(account.igId)) throw accessDisabled();
    if (blocked.has(pair(account, customer))) throw userUnavailable();
  }

  /** What Meta checks before any message or sender action reaches a customer. */
  function checkReachable(call: GraphCall, customer: Customer, humanAgent: boolean): void {
    checkAccess(call.account, customer);
    checkWindow(call.account, customer, call, humanAgent);
  }

  const privateReplies = createPrivateReplies({
    scenarios,
    now,
    checkReachable: checkAccess,
    takeTextToken: (account) => takeRateToken(account, 'text'),
    ...(privateRepliesPerHour === undefined ? {} : { perHour: privateRepliesPerHour }),
  });

  function record(
    call: GraphCall,
    mid: string,
    customer: Customer,
    message: Record<string, unknown>,
    content: Pick<OutgoingMessage, 'text' | 'media'>,
    extra: { tag: string | null; commentId: string | null },
  ): void {
    const attachments = content.media.map(({ type, url }) => ({ type, url }));
    sent.push({
      mid,
      accountIgId: call.account.igId,
      recipientId: customer.igsid,
      text: content.text,
      attachment: attachments[0] ?? null,
      attachments,
      message: structuredClone(message),
      ...extra,
      at: Date.now(),
    });
  }

  function senderAction(call: GraphCall, customer: Customer, action: string) {
    if (!(SENDER_ACTIONS as readonly string[]).includes(action)) {
      throw invalidParameter(`param sender_action must be one of {${SENDER_ACTIONS.join(', ')}}`);
    }
    const payload = objectArg(call.args.payload, 'payload') ?? null;
    const thread = call.world.thread(call.account, customer);
    if (action === 'react' || action === 'unreact') {
      const mid = payload?.message_id;
      if (typeof mid !== 'string' || !findMessage(thread, mid)) {
        throw invalidParameter('param payload[message_id] must be a message of this conversation');
      }
    }
    checkReachable(call, customer, false);
    takeRateToken(call.account, 'text');
    senderActions.push({
      accountIgId: call.account.igId,
      recipientId: customer.igsid,
      action: action as SenderActionRecord['action'],
      payload,
      at: Date.now(),
    });
    return { recipient_id: customer.igsid };
  }

  function sendMessage(call: GraphCall) {
    checkNode(call);
    const recipient = objectArg(call.args.recipient, 'recipient');
    if (recipient?.comment_id !== undefined) return privateReply(call, recipient.comment_id);
    const customer = customerOf(call, recipient);
    if (typeof call.args.sender_action === 'string')
      return senderAction(call, customer, call.args.sender_action);

    const message = objectArg(call.args.message, 'message');
    if (!message) throw invalidParameter('param message is required');
    const tag = typeof call.args.tag === 'string' ? call.args.tag : null;
    if (tag !== null && tag !== 'HUMAN_AGENT') {
      throw invalidParameter(`param tag "${tag}" is not supported for Instagram messaging`);
    }
    const content = parseOutgoingMessage(message, call.world.cdnUrl);
    checkReachable(call, customer, tag === 'HUMAN_AGENT');
    const media = content.media.some((item) => item.type === 'audio' || item.type === 'video');
    takeRateToken(call.account, media ? 'media' : 'text');

    const mid = newMid(call.account.igId);
    const attachments: EchoAttachmentInput[] = content.media.map(({ type, url }) => ({ type, url }));
    if (content.template?.templateType === 'generic')
      attachments.push({ type: 'template', elements: content.template.elements });
    else if (content.template?.templateType === 'button')
      attachments.push({ type: 'template', text: content.template.text, buttons: content.template.buttons });
    scenarios.businessEcho({
      account: call.account.igId,
      customer: customer.igsid,
      mid,
      ...(content.text === null ? {} : { text: content.text }),
      ...(attachments.length > 0 ? { attachments } : {}),
      ...(content.quickReplies ? { quickReplies: content.quickReplies } : {}),
    });
    record(call, mid, customer, message, content, { tag, commentId: null });
    return { recipient_id: customer.igsid, message_id: mid };
  }

  function privateReply(call: GraphCall, commentId: unknown) {
    if (typeof commentId !== 'string' && typeof commentId !== 'number')
      throw invalidParameter('param recipient[comment_id] must be a comment id');
    const message = objectArg(call.args.message, 'message');
    if (!message) throw invalidParameter('param message is required');
    const { mid, customer } = privateReplies.send(call, String(commentId), message);
    const text = message.text as string;
    record(call, mid, customer, message, { text, media: [] }, { tag: null, commentId: String(commentId) });
    return { recipient_id: customer.igsid, message_id: mid };
  }

  const endpoints: GraphEndpoint[] = [{ method: 'POST', path: ':node/messages', handle: sendMessage }];

  return {
    endpoints,
    sent: (): SentRecord[] => sent.map((record) => ({ ...record })),
    senderActions: (): SenderActionRecord[] => senderActions.map((record) => ({ ...record })),
    /** The owner's "Allow access to messages" toggle (off → 200/2534041). */
    setMessagingAccess(account: Account, enabled: boolean): void {
      if (enabled) accessOff.delete(account.igId);
      else accessOff.add(account.igId);
    },
    /** The customer blocks (or unblocks) the account (→ 551). */
    setBlocked(account: Account, customer: Customer, isBlocked: boolean): void {
      if (isBlocked) blocked.add(pair(account, customer));
      else blocked.delete(pair(account, customer));
    },
    /** Private replies per hour per account (Meta: 750), over which they answer 613/2534040. */
    privateReplyRateLimit: privateReplies.rateLimit,
    setPrivateReplyRateLimit: privateReplies.setRateLimit,
    rateLimits: (): SendRateLimits => ({ ...limits }),
    setRateLimits(next: Partial<SendRateLimits>): void {
      limits = { ...limits, ...next };
      limiter.reset();
    },
  };
}

export type SendApi = ReturnType<typeof createSendApi>;
