// The seed's REST send (`POST /api/instagram/messages/send`): a reply addressed by the customer's
// Instagram id rather than by conversation. The account is the one the customer already talks to
// (Instagram only allows replies); an unknown or ambiguous recipient is refused, naming the
// choices. The reply is queued like any other, then the call waits a little for Meta's answer so
// that a plain integration gets "sent" or "failed", and a 202 with the id to follow otherwise.
import { findRecipientConversations } from '../conversations/index.ts';
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { watchWorkspace } from '../realtime/live-feed.ts';
import type { Services } from '../services.ts';
import type { AttachmentType } from './outbound-content.ts';
import {
  findOutboundByIds,
  type OutboundMessage,
  type OutboundStatus,
} from './outbound-messages.repository.ts';
import { queueOutboundMessage } from './queue-outbound-message.ts';

/** The live feed says when the workspace changed, so the outcome is re-read then rather than polled. */
type SendToRecipientServices = Pick<Services, 'db' | 'enqueue' | 'liveFeed' | 'env'>;

export interface SendToRecipientRequest {
  recipientId: string;
  message: string;
  attachmentUrl?: string;
  attachmentType?: AttachmentType;
  /** Our account id, or the Instagram account's (or its Page's) id. */
  accountId?: string;
  workspaceId?: string;
  idempotencyKey: string;
}

export interface SendToRecipientResult {
  /** SENT when every part went out, FAILED when one was refused, otherwise still on its way. */
  status: OutboundStatus;
  parts: OutboundMessage[];
}

const FINAL: OutboundStatus[] = ['SENT', 'FAILED'];

async function findRecipientConversation(db: Database, actor: Actor, request: SendToRecipientRequest) {
  const candidates = await db.withUser(actor, (trx) =>
    findRecipientConversations(trx, {
      contactId: request.recipientId,
      workspaceId: request.workspaceId,
      accountId: request.accountId,
    }),
  );
  if (candidates.length === 0) {
    throw new AppError(
      'BAD_INPUT',
      `No conversation with recipient ${request.recipientId}${request.accountId ? ` on account ${request.accountId}` : ''}: Instagram only allows replies to people who have written to the account.`,
    );
  }
  if (candidates.length > 1) {
    const accounts = candidates.map(
      (c) => `${c.display_name ?? c.channel_identifier} (accountId ${c.account_id})`,
    );
    throw new AppError(
      'BAD_INPUT',
      `Recipient ${request.recipientId} talks to several of your accounts; say which with accountId: ${accounts.join(', ')}`,
    );
  }
  return candidates[0] as (typeof candidates)[number];
}

export async function sendToRecipient(
  services: SendToRecipientServices,
  actor: Actor,
  request: SendToRecipientRequest,
): Promise<SendToRecipientResult> {
  const conversation = await findRecipientConversation(services.db, actor, request);
  // Watched before queueing, so no change slips between the send and the wait.
  const watch = await watchWorkspace(services.liveFeed, conversation.workspace_id);
  let parts: OutboundMessage[];
  try {
    parts = await queueOutboundMessage(services, actor, {
      workspaceId: conversation.workspace_id,
      conversationId: conversation.id,
      idempotencyKey: request.idempotencyKey,
      text: request.message,
      attachment: request.attachmentUrl
        ? { url: request.attachmentUrl, type: request.attachmentType }
        : undefined,
      // An API call is software acting, not a person: no Human Agent replies (Meta's policy).
      sentByHuman: false,
    });
    const deadline = Date.now() + services.env.SEND_REST_WAIT_MS;
    const ids = parts.map((part) => part.id);
    while (!parts.every((part) => FINAL.includes(part.status)) && Date.now() < deadline) {
      await watch.nextChange(deadline - Date.now());
      parts = await services.db.withUser(actor, (trx) => findOutboundByIds(trx, ids));
    }
  } finally {
    watch.close();
  }
  const failed = parts.find((part) => part.status === 'FAILED');
  const pending = parts.find((part) => part.status !== 'SENT');
  return { status: failed?.status ?? pending?.status ?? 'SENT', parts };
}
