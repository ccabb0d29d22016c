import { COMMENT_KIND } from '../conversations/index.ts';
import type { Tx } from '../db/database.ts';
import type { LoginPath } from '../meta/graph-client.ts';

export type OutboundStatus = 'QUEUED' | 'SENDING' | 'SENT' | 'FAILED' | 'UNCERTAIN';

export interface OutboundMessage {
  id: string;
  conversationId: string;
  idempotencyKey: string;
  kind: string;
  content: string;
  attachments: unknown;
  /** Decoded with providerDataColumn: the quick replies a text offers. */
  providerData: unknown;
  status: OutboundStatus;
  messagingTag: 'HUMAN_AGENT' | null;
  externalMessageId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  sendAttempts: number;
  createdAt: Date;
  sentAt: Date | null;
  /** A public reply: the comment it answers. */
  commentParentId: string | null;
  /** A private reply: the comment it answers. */
  privateReplyTo: string | null;
}

const OUTBOUND_COLUMNS = [
  'id',
  'conversation_id',
  'idempotency_key',
  'kind',
  'content',
  'attachments',
  'provider_data',
  'status',
  'messaging_tag',
  'external_message_id',
  'error_code',
  'error_message',
  'send_attempts',
  'created_at',
  'sent_at',
  'comment_parent_id',
  'private_reply_to',
] as const;

type OutboundRow = {
  id: string;
  conversation_id: string;
  idempotency_key: string | null;
  kind: string;
  content: string;
  attachments: unknown;
  provider_data: unknown;
  status: string;
  messaging_tag: string | null;
  external_message_id: string | null;
  error_code: string | null;
  error_message: string | null;
  send_attempts: number;
  created_at: Date;
  sent_at: Date | null;
  comment_parent_id: string | null;
  private_reply_to: string | null;
};

function toOutbound(row: OutboundRow): OutboundMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    idempotencyKey: row.idempotency_key ?? '',
    kind: row.kind,
    content: row.content,
    attachments: row.attachments,
    providerData: row.provider_data,
    status: row.status as OutboundStatus,
    messagingTag: row.messaging_tag as OutboundMessage['messagingTag'],
    externalMessageId: row.external_message_id,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    sendAttempts: row.send_attempts,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    commentParentId: row.comment_parent_id,
    privateReplyTo: row.private_reply_to,
  };
}

/** A customer's comment of the workspace that a reply may answer (under RLS: the caller's only). */
export async function findCommentToAnswer(trx: Tx, workspaceId: string, messageId: string) {
  const row = await trx
    .selectFrom('conversation_messages')
    .select(['conversation_id', 'comment_id', 'occurred_at', 'hidden_at', 'unsent_at'])
    .where('id', '=', messageId)
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', COMMENT_KIND)
    .where('direction', '=', 'INBOUND')
    .where('comment_id', 'is not', null)
    .executeTakeFirst();
  return (
    row && {
      conversationId: row.conversation_id,
      commentId: row.comment_id as string,
      occurredAt: row.occurred_at,
      hidden: row.hidden_at !== null,
      deleted: row.unsent_at !== null,
    }
  );
}

export async function findOutboundByKeys(
  trx: Tx,
  conversationId: string,
  idempotencyKeys: string[],
): Promise<OutboundMessage[]> {
  const rows = await trx
    .selectFrom('conversation_messages')
    .select(OUTBOUND_COLUMNS)
    .where('conversation_id', '=', conversationId)
    .where('idempotency_key', 'in', idempotencyKeys)
    .execute();
  const byKey = new Map(rows.map((row) => [row.idempotency_key, toOutbound(row)]));
  return idempotencyKeys.flatMap((key) => byKey.get(key) ?? []);
}

export async function findOutboundByIds(trx: Tx, ids: string[]): Promise<OutboundMessage[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('conversation_messages')
    .select(OUTBOUND_COLUMNS)
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, toOutbound(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** An outbound message of the workspace (under RLS: only the caller's workspaces). */
export async function findOutboundInWorkspace(
  trx: Tx,
  workspaceId: string,
  messageId: string,
): Promise<OutboundMessage | undefined> {
  const row = await trx
    .selectFrom('conversation_messages')
    .select(OUTBOUND_COLUMNS)
    .where('id', '=', messageId)
    .where('workspace_id', '=', workspaceId)
    .where('direction', '=', 'OUTBOUND')
    .executeTakeFirst();
  return row && toOutbound(row);
}

/** Everything the send job needs about one message, its conversation and its account. */
export interface SendTarget {
  message: OutboundMessage & {
    replyToExternalId: string | null;
    userId: string | null;
    /** A private reply: when its comment was made (null when the comment is gone). */
    privateReplyCommentAt: Date | null;
  };
  contactId: string;
  lastInboundAt: Date | null;
  humanAgentEnabled: boolean;
  connection: {
    id: string;
    loginPath: LoginPath;
    channelIdentifier: string;
    providerAccountId: string | null;
    status: 'CONNECTED' | 'NEEDS_REAUTH' | 'DISCONNECTED';
    accessToken: string | null;
  };
}

/** Loads a message for sending and locks its row for this transaction. */
export async function lockSendTarget(trx: Tx, messageId: string): Promise<SendTarget | undefined> {
  const row = await trx
    .selectFrom('conversation_messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .innerJoin('channel_connections as cc', 'cc.id', 'm.channel_connection_id')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(OUTBOUND_COLUMNS.map((column) => `m.${column}` as const))
    .select([
      'm.reply_to_external_id',
      'm.user_id',
      (eb) =>
        eb
          .selectFrom('conversation_messages as comment')
          .select('comment.occurred_at')
          .whereRef('comment.channel_connection_id', '=', 'm.channel_connection_id')
          .whereRef('comment.comment_id', '=', 'm.private_reply_to')
          .where('comment.unsent_at', 'is', null)
          .as('private_reply_comment_at'),
      'c.contact_identifier',
      'c.last_inbound_at',
      'w.human_agent_enabled',
      'cc.login_path',
      'cc.channel_identifier',
      'cc.provider_account_id',
      'cc.status as connection_status',
      'cc.access_token',
      'cc.id as connection_id',
    ])
    .where('m.id', '=', messageId)
    .where('m.direction', '=', 'OUTBOUND')
    .forUpdate('m')
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    message: {
      ...toOutbound(row),
      replyToExternalId: row.reply_to_external_id,
      userId: row.user_id,
      privateReplyCommentAt: row.private_reply_comment_at,
    },
    contactId: row.contact_identifier,
    lastInboundAt: row.last_inbound_at,
    humanAgentEnabled: row.human_agent_enabled,
    connection: {
      id: row.connection_id,
      loginPath: row.login_path,
      channelIdentifier: row.channel_identifier,
      providerAccountId: row.provider_account_id,
      status: row.connection_status,
      accessToken: row.access_token,
    },
  };
}
