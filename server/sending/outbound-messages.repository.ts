// SQL for the replies this app sends: queued by an operator, moved through their states by the
// send job, and matched with their echo webhooks.
import { sql } from 'kysely';
import type { NewMessage } from '../conversations/index.ts';
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
  status: OutboundStatus;
  messagingTag: 'HUMAN_AGENT' | null;
  externalMessageId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  sendAttempts: number;
  createdAt: Date;
  sentAt: Date | null;
}

const OUTBOUND_COLUMNS = [
  'id',
  'conversation_id',
  'idempotency_key',
  'kind',
  'content',
  'attachments',
  'status',
  'messaging_tag',
  'external_message_id',
  'error_code',
  'error_message',
  'send_attempts',
  'created_at',
  'sent_at',
] as const;

type OutboundRow = {
  id: string;
  conversation_id: string;
  idempotency_key: string | null;
  kind: string;
  content: string;
  attachments: unknown;
  status: string;
  messaging_tag: string | null;
  external_message_id: string | null;
  error_code: string | null;
  error_message: string | null;
  send_attempts: number;
  created_at: Date;
  sent_at: Date | null;
};

function toOutbound(row: OutboundRow): OutboundMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    idempotencyKey: row.idempotency_key ?? '',
    kind: row.kind,
    content: row.content,
    attachments: row.attachments,
    status: row.status as OutboundStatus,
    messagingTag: row.messaging_tag as OutboundMessage['messagingTag'],
    externalMessageId: row.external_message_id,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    sendAttempts: row.send_attempts,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

/**
 * Inserts the parts that are new, in order; parts whose idempotency key exists are left as they
 * are. One statement per part: each then takes its own `occurred_at` (the column defaults to the
 * clock, not the transaction's start), so a reply's text always shows before its attachment.
 */
export async function insertQueuedParts(trx: Tx, parts: NewMessage[]): Promise<string[]> {
  const ids: string[] = [];
  for (const part of parts) {
    const row = await trx
      .insertInto('conversation_messages')
      .values(part)
      .onConflict((oc) => oc.columns(['conversation_id', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) ids.push(row.id);
  }
  return ids;
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
  message: OutboundMessage & { replyToExternalId: string | null; userId: string | null };
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
    message: { ...toOutbound(row), replyToExternalId: row.reply_to_external_id, userId: row.user_id },
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

/** QUEUED → SENDING: from here on, a crash leaves the message UNCERTAIN, never re-sent. */
export async function markSending(trx: Tx, messageId: string): Promise<void> {
  await trx
    .updateTable('conversation_messages')
    .set((eb) => ({
      status: 'SENDING',
      send_attempts: sql<number>`send_attempts + 1`,
      last_attempt_at: sql<Date>`now()`,
      next_attempt_at: eb.val<Date | null>(null),
      error_code: eb.val<string | null>(null),
      error_message: eb.val<string | null>(null),
    }))
    .where('id', '=', messageId)
    .where('status', '=', 'QUEUED')
    .execute();
}

/** Records the outcome of a send that is not (yet) a success. Only a message in `from` moves. */
export async function recordSendOutcome(
  trx: Tx,
  messageId: string,
  outcome: {
    from: OutboundStatus[];
    status: 'QUEUED' | 'FAILED' | 'UNCERTAIN';
    errorCode: string;
    errorMessage: string;
    /** Only if the row is still at this attempt (a later run may have taken it over). */
    attempt?: number;
    /** Back in the queue: not to be sent again before this. */
    retryAt?: Date;
  },
): Promise<boolean> {
  let query = trx
    .updateTable('conversation_messages')
    .set({
      status: outcome.status,
      error_code: outcome.errorCode,
      error_message: outcome.errorMessage,
      next_attempt_at: outcome.retryAt ?? null,
    })
    .where('id', '=', messageId)
    .where('status', 'in', outcome.from);
  if (outcome.attempt !== undefined) query = query.where('send_attempts', '=', outcome.attempt);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Meta accepted the message and named its mid. If the echo got here first and could not be told
 * apart from a message typed elsewhere, it was stored as a row of its own: that row goes, so the
 * message exists once.
 */
export async function markSent(trx: Tx, target: SendTarget, mid: string): Promise<void> {
  await trx
    .deleteFrom('conversation_messages')
    .where('channel_connection_id', '=', target.connection.id)
    .where('external_message_id', '=', mid)
    .where('id', '<>', target.message.id)
    .where('idempotency_key', 'is', null)
    .execute();
  // Defensive: if another of our sends was credited with this echo, it goes back to waiting.
  await trx
    .updateTable('conversation_messages')
    .set({ external_message_id: null, status: 'UNCERTAIN' })
    .where('channel_connection_id', '=', target.connection.id)
    .where('external_message_id', '=', mid)
    .where('id', '<>', target.message.id)
    .execute();
  await trx
    .updateTable('conversation_messages')
    .set({
      status: 'SENT',
      external_message_id: mid,
      sent_at: sql<Date>`coalesce(sent_at, now())`,
      error_code: null,
      error_message: null,
    })
    .where('id', '=', target.message.id)
    .execute();
}

/** An echo of a message this app sent: Meta accepted it, whatever the send call reported. */
export async function confirmSent(trx: Tx, messageId: string): Promise<void> {
  await trx
    .updateTable('conversation_messages')
    .set({
      status: 'SENT',
      sent_at: sql<Date>`coalesce(sent_at, now())`,
      error_code: null,
      error_message: null,
    })
    .where('id', '=', messageId)
    .where('status', 'in', ['QUEUED', 'SENDING', 'UNCERTAIN', 'FAILED'])
    .execute();
}

/**
 * An echo with a mid we have not seen: if it is one of our sends still waiting for Meta's answer
 * (or left UNCERTAIN), with the same text or the same kind of attachment, sent shortly before,
 * it is that message. Returns the adopted message's id.
 */
export async function adoptEcho(
  trx: Tx,
  echo: { conversationId: string; mid: string; text: string | null; kind: string; at: Date },
): Promise<string | null> {
  const candidates = await trx
    .selectFrom('conversation_messages')
    .select('id')
    .where('conversation_id', '=', echo.conversationId)
    .where('direction', '=', 'OUTBOUND')
    .where('external_message_id', 'is', null)
    .where('status', 'in', ['SENDING', 'UNCERTAIN'])
    .where('kind', '=', echo.kind)
    .where((eb) => (echo.text === null ? eb('kind', '<>', 'text') : eb('content', '=', echo.text)))
    .where('last_attempt_at', '>=', new Date(echo.at.getTime() - ECHO_MATCH_WINDOW_MS))
    .limit(2)
    .execute();
  // Two identical replies in flight: the echo cannot say which it is; its own row is merged when
  // the Send API names the mid.
  if (candidates.length !== 1) return null;
  const candidate = candidates[0] as { id: string };
  await trx
    .updateTable('conversation_messages')
    .set({
      status: 'SENT',
      external_message_id: echo.mid,
      sent_at: echo.at,
      error_code: null,
      error_message: null,
    })
    .where('id', '=', candidate.id)
    .execute();
  return candidate.id;
}

/** How long before an echo its send may have been handed to Meta (a slow or hung call). */
const ECHO_MATCH_WINDOW_MS = 10 * 60 * 1000;

/** FAILED → QUEUED for an operator's retry; false if the message is not (or no longer) failed. */
export async function requeueFailed(trx: Tx, messageId: string): Promise<boolean> {
  const result = await trx
    .updateTable('conversation_messages')
    .set({ status: 'QUEUED', error_code: null, error_message: null, send_attempts: 0 })
    .where('id', '=', messageId)
    .where('direction', '=', 'OUTBOUND')
    .where('status', '=', 'FAILED')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** An operator's verdict on an UNCERTAIN message; false if it is no longer uncertain. */
export async function settleUncertain(trx: Tx, messageId: string, delivered: boolean): Promise<boolean> {
  const result = await trx
    .updateTable('conversation_messages')
    .set(
      delivered
        ? { status: 'SENT', sent_at: sql<Date>`now()`, error_code: null, error_message: null }
        : {
            status: 'FAILED',
            error_code: 'not_delivered',
            error_message: 'Marked as not delivered by an operator.',
          },
    )
    .where('id', '=', messageId)
    .where('status', '=', 'UNCERTAIN')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Conversations with replies waiting since before `before` that no send job will ever pick up:
 * none of pg-boss's waiting, retrying or running jobs names the conversation (their job ran out
 * of retries, or was lost). A reply waiting is QUEUED, or SENDING by a run that died.
 */
export async function findStrandedConversations(
  trx: Tx,
  before: Date,
  queueSchema: string,
  queue: string,
): Promise<string[]> {
  const jobs = sql.table(`${queueSchema}.job`);
  const { rows } = await sql<{ conversation_id: string }>`
    select distinct m.conversation_id
    from public.conversation_messages m
    where m.direction = 'OUTBOUND' and m.status in ('QUEUED', 'SENDING') and m.created_at < ${before}
      and not exists (
        select 1 from public.send_claims c where c.message_id = m.id and c.claimed_until > clock_timestamp())
      and not exists (
        select 1 from ${jobs} j
        where j.name = ${queue} and j.state in ('created', 'retry', 'active')
          and (j.data ->> 'conversationId' = m.conversation_id::text or j.data -> 'messageIds' ? m.id::text))
  `.execute(trx);
  return rows.map((row) => row.conversation_id);
}
