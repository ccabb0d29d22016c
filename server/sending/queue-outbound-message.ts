// An operator's reply is accepted: checked against Meta's rules, stored QUEUED (one row per Send
// API call it takes) and handed to the send job, all in one transaction. The same idempotency
// key always names the same reply: repeating the request returns the stored parts and sends
// nothing new, also when the two requests race.

import { isDeepStrictEqual } from 'node:util';
import type { NewMessage } from '../conversations/index.ts';
import {
  attachmentsColumn,
  findReplyContext,
  messagingWindow,
  plainAttachment,
  previewOf,
  providerDataColumn,
  type ReplyContext,
  recordConversationActivity,
  templateAttachment,
} from '../conversations/index.ts';
import { type Actor, continueAsServer } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import { type OutboundContent, type OutboundPart, partKind, planParts } from './outbound-content.ts';
import { queueParts } from './outbound-lifecycle.ts';
import { findOutboundByKeys, type OutboundMessage } from './outbound-messages.repository.ts';
import { sendMessagesJob } from './send-messages.job.ts';

type QueueServices = Pick<Services, 'db' | 'enqueue'>;

export interface OutboundRequest extends OutboundContent {
  workspaceId: string;
  conversationId: string;
  /** Chosen by the client, so a retried request cannot send twice. */
  idempotencyKey: string;
  /** A person typing in the inbox (true) or an integration calling the API (false). */
  sentByHuman: boolean;
  /** Quote one of the conversation's messages (Meta's mid). */
  replyToMid?: string;
}

/** Parts after the first get their own key, derived from the request's. */
function partKey(idempotencyKey: string, index: number): string {
  return index === 0 ? idempotencyKey : `${idempotencyKey}#${index + 1}`;
}

/** What a part stores beyond its kind: its text, its media or cards, the quick replies it offers. */
function partColumns(part: OutboundPart): Pick<NewMessage, 'content' | 'attachments' | 'provider_data'> {
  switch (part.kind) {
    case 'text':
      return {
        content: part.text,
        attachments: null,
        provider_data: part.quickReplies ? providerDataColumn.encode(offering(part.quickReplies)) : null,
      };
    case 'attachment':
      return {
        content: '',
        attachments: attachmentsColumn.encode([plainAttachment(part.type, part.url)]),
        provider_data: null,
      };
    case 'images':
      return {
        content: '',
        attachments: attachmentsColumn.encode(part.urls.map((url) => plainAttachment('image', url))),
        provider_data: null,
      };
    case 'template':
      return {
        content: '',
        attachments: attachmentsColumn.encode([templateAttachment(part.elements)]),
        provider_data: null,
      };
  }
}

function offering(quickReplies: { title: string; payload: string }[]) {
  return providerDataColumn.decode({ quickReplies });
}

/** A repeated request is the same reply only if every part is stored as it would be now. */
function sameContent(stored: OutboundMessage, part: OutboundPart): boolean {
  const columns = partColumns(part);
  const decoded = (encoded: string | null) => (encoded === null ? null : JSON.parse(encoded));
  return (
    stored.kind === partKind(part) &&
    stored.content === columns.content &&
    isDeepStrictEqual(stored.attachments ?? null, decoded(columns.attachments ?? null)) &&
    isDeepStrictEqual(
      providerDataColumn.decode(stored.providerData ?? {}).quickReplies ?? null,
      part.kind === 'text' ? part.quickReplies : null,
    )
  );
}

export async function queueOutboundMessage(
  services: QueueServices,
  actor: Actor,
  request: OutboundRequest,
): Promise<OutboundMessage[]> {
  const parts = planParts(request);
  const keys = parts.map((_, index) => partKey(request.idempotencyKey, index));
  const now = new Date();

  return services.db.withUser(actor, async (trx) => {
    // Read under RLS: a conversation of another workspace is simply not found.
    const conversation = await findReplyContext(trx, request.workspaceId, request.conversationId);
    if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found in this workspace');

    const existing = await findOutboundByKeys(trx, conversation.conversationId, keys);
    if (existing.length > 0) return sameReply(existing, parts);

    assertAccountCanSend(conversation);
    const window = messagingWindow({
      lastInboundAt: conversation.lastInboundAt,
      now,
      humanAgentEnabled: conversation.humanAgentEnabled,
      sentByHuman: request.sentByHuman,
    });
    if (window.kind === 'closed') {
      throw new AppError('UNPROCESSABLE', window.reason, { reason: 'window_closed' });
    }

    // Members cannot insert messages themselves (a direct insert would skip the checks above):
    // the reply, made only of what was checked, is stored as the server.
    await continueAsServer(trx);
    const inserted = await queueParts(
      trx,
      parts.map((part, index) => ({
        workspace_id: conversation.workspaceId,
        conversation_id: conversation.conversationId,
        channel_connection_id: conversation.connectionId,
        user_id: actor.userId,
        direction: 'OUTBOUND',
        kind: partKind(part),
        ...partColumns(part),
        reply_to_external_id: index === 0 ? (request.replyToMid ?? null) : null,
        idempotency_key: keys[index],
        messaging_tag: window.kind === 'human_agent' ? 'HUMAN_AGENT' : null,
      })),
    );
    // A concurrent request with the same key committed first: that one is the reply.
    if (inserted.length < parts.length) {
      if (inserted.length > 0) throw new AppError('CONFLICT', 'The same reply is being sent; try again');
      return sameReply(await findOutboundByKeys(trx, conversation.conversationId, keys), parts);
    }

    const last = parts.at(-1) as OutboundPart;
    const lastColumns = partColumns(last);
    await recordConversationActivity(trx, conversation.conversationId, {
      at: now,
      preview: previewOf({
        direction: 'OUTBOUND',
        kind: partKind(last),
        text: parts.find((part) => part.kind === 'text')?.text ?? '',
        attachments: lastColumns.attachments
          ? attachmentsColumn.decode(JSON.parse(lastColumns.attachments))
          : [],
      }),
      inbound: false,
      unread: false,
    });
    await services.enqueue(trx, sendMessagesJob, { conversationId: conversation.conversationId });
    return findOutboundByKeys(trx, conversation.conversationId, keys);
  });
}

/** Replies go out only through a connected account. */
export function assertAccountCanSend(conversation: ReplyContext): void {
  if (conversation.connectionStatus === 'DISCONNECTED') {
    throw new AppError('UNPROCESSABLE', 'This Instagram account is disconnected; reconnect it to reply.', {
      reason: 'account_needs_reconnect',
    });
  }
  if (conversation.connectionStatus === 'NEEDS_REAUTH') {
    throw new AppError(
      'UNPROCESSABLE',
      `This Instagram account must be reconnected before replies can be sent (${conversation.needsReauthReason ?? 'its access was revoked'}).`,
      { reason: 'account_needs_reconnect' },
    );
  }
}

/** The stored reply for a repeated key, or a conflict if the key was used for something else. */
function sameReply(stored: OutboundMessage[], parts: OutboundPart[]): OutboundMessage[] {
  const matches =
    stored.length === parts.length &&
    parts.every((part, index) => sameContent(stored[index] as OutboundMessage, part));
  if (!matches) {
    throw new AppError('CONFLICT', 'This idempotency key was already used for a different message', {
      reason: 'idempotency_key_reused',
    });
  }
  return stored;
}
