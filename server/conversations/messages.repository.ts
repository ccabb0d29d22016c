// SQL for conversation messages written by ingest.
import { type Insertable, sql } from 'kysely';
import type { DB, Tx } from '../db/database.ts';

export type NewMessage = Insertable<DB['conversation_messages']>;

/** Inserts the message unless one with the same Meta id exists; returns its id when inserted. */
export async function insertMessageOnce(trx: Tx, message: NewMessage): Promise<string | null> {
  const row = await trx
    .insertInto('conversation_messages')
    .values(message)
    .onConflict((oc) => oc.columns(['channel_connection_id', 'external_message_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export interface StoredMessage {
  id: string;
  conversationId: string;
  direction: 'INBOUND' | 'OUTBOUND';
  status: NewMessage['status'];
  kind: string;
  content: string;
  attachments: unknown;
  occurredAt: Date;
  providerData: unknown;
}

export async function findMessageByMid(
  trx: Tx,
  connectionId: string,
  mid: string,
): Promise<StoredMessage | undefined> {
  const row = await trx
    .selectFrom('conversation_messages')
    .select([
      'id',
      'conversation_id',
      'direction',
      'status',
      'kind',
      'content',
      'attachments',
      'occurred_at',
      'provider_data',
    ])
    .where('channel_connection_id', '=', connectionId)
    .where('external_message_id', '=', mid)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      conversationId: row.conversation_id,
      direction: row.direction,
      status: row.status,
      kind: row.kind,
      content: row.content,
      attachments: row.attachments,
      occurredAt: row.occurred_at,
      providerData: row.provider_data,
    }
  );
}

export async function updateMessageState(
  trx: Tx,
  messageId: string,
  state: Pick<
    NewMessage,
    'content' | 'attachments' | 'provider_data' | 'edit_count' | 'edited_at' | 'unsent_at' | 'reactions'
  >,
): Promise<void> {
  await trx.updateTable('conversation_messages').set(state).where('id', '=', messageId).execute();
}

/** The customer has seen everything we sent up to `upTo` (Meta's time of the message seen). */
export async function markOutboundSeen(
  trx: Tx,
  conversationId: string,
  upTo: Date,
  seenAt: Date,
): Promise<void> {
  await trx
    .updateTable('conversations')
    .set((eb) => ({
      customer_seen_until: eb.fn('greatest', [eb.ref('customer_seen_until'), eb.val(upTo)]),
      customer_seen_at: eb.fn('greatest', [eb.ref('customer_seen_at'), eb.val(seenAt)]),
    }))
    .where('id', '=', conversationId)
    .execute();
  await applySeenMarks(trx, conversationId);
}

/**
 * Marks seen the business's messages the customer's seen marks cover, including one Meta
 * delivered after the mark (it does not keep order).
 */
export async function applySeenMarks(trx: Tx, conversationId: string): Promise<void> {
  await sql`
    update public.conversation_messages m set seen_at = c.customer_seen_at
    from public.conversations c
    where c.id = ${conversationId} and m.conversation_id = c.id and m.direction = 'OUTBOUND'
      and m.seen_at is null and m.occurred_at <= c.customer_seen_until
  `.execute(trx);
}

/** A customer's message in the workspace, with its Meta id (for reactions). */
export async function findCustomerMessage(trx: Tx, workspaceId: string, messageId: string) {
  return trx
    .selectFrom('conversation_messages')
    .select(['id', 'conversation_id', 'external_message_id'])
    .where('id', '=', messageId)
    .where('workspace_id', '=', workspaceId)
    .where('direction', '=', 'INBOUND')
    .executeTakeFirst();
}

export async function setBusinessReaction(
  trx: Tx,
  messageId: string,
  reaction: string | null,
): Promise<void> {
  await trx
    .updateTable('conversation_messages')
    .set({ business_reaction: reaction })
    .where('id', '=', messageId)
    .execute();
}

/**
 * Deletes up to `limit` of the workspace's messages that happened before `before` (retention), the
 * oldest first; replies still on their way to Meta stay. The number deleted: fewer than `limit`
 * means none are left.
 */
export async function purgeMessagesBefore(
  trx: Tx,
  workspaceId: string,
  before: Date,
  limit: number,
): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with doomed as (
      select id from public.conversation_messages
      where workspace_id = ${workspaceId} and occurred_at < ${before}
        and status not in ('QUEUED', 'SENDING', 'UNCERTAIN')
      order by occurred_at
      limit ${limit}
    ), gone as (
      delete from public.conversation_messages m using doomed d where m.id = d.id returning 1
    )
    select count(*)::int as n from gone`.execute(trx);
  return rows[0]?.n ?? 0;
}
