// A conversation's replies waiting to go out, as one ordered queue: the next one to send is the
// oldest QUEUED or SENDING reply, and nothing after it goes out before it. A reply being sent
// carries a claim that its run renews while Meta answers; a claim that lapsed marks a dead run.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';

export interface NextReply {
  id: string;
  status: 'QUEUED' | 'SENDING';
  kind: string;
  channelConnectionId: string;
  /** QUEUED after a passing failure, and not due again yet. */
  dueLater: boolean;
  /** SENDING, and the run sending it is alive. */
  claimed: boolean;
}

type NextReplyRow = {
  id: string;
  status: 'QUEUED' | 'SENDING';
  kind: string;
  channel_connection_id: string;
  due_later: boolean;
  claimed: boolean;
};

/** What the send job needs to know about one pending reply, read at this moment. */
function pendingReply(where: ReturnType<typeof sql>) {
  // clock_timestamp(): the claim is judged at this moment, not at the transaction's start.
  return sql<NextReplyRow>`
    select m.id, m.status, m.kind, m.channel_connection_id,
      coalesce(m.next_attempt_at > clock_timestamp(), false) as due_later,
      exists (select 1 from public.send_claims c
              where c.message_id = m.id and c.claimed_until > clock_timestamp()) as claimed
    from public.conversation_messages m
    where ${where} and m.direction = 'OUTBOUND' and m.status in ('QUEUED', 'SENDING')
    order by m.occurred_at, m.id
    limit 1`;
}

function toNextReply(row: NextReplyRow | undefined): NextReply | undefined {
  return (
    row && {
      id: row.id,
      status: row.status,
      kind: row.kind,
      channelConnectionId: row.channel_connection_id,
      dueLater: row.due_later,
      claimed: row.claimed,
    }
  );
}

/** The conversation's next reply to send, without locking it (to book its rate slot). */
export async function peekNextReply(trx: Tx, conversationId: string): Promise<NextReply | undefined> {
  const { rows } = await pendingReply(sql`m.conversation_id = ${conversationId}`).execute(trx);
  return toNextReply(rows[0]);
}

/**
 * The conversation's next reply, locked for this transaction. Runs that race for it queue on the
 * row lock, and each then sees what the one before it did: its state and claim are read again
 * after the lock is granted (the locking statement's own snapshot predates the run it waited for,
 * so it would see that run's SENDING but not its claim).
 */
export async function lockNextReply(trx: Tx, conversationId: string): Promise<NextReply | undefined> {
  const { rows: locked } = await sql<{ id: string }>`
    select m.id from public.conversation_messages m
    where m.conversation_id = ${conversationId} and m.direction = 'OUTBOUND'
      and m.status in ('QUEUED', 'SENDING')
    order by m.occurred_at, m.id
    limit 1
    for update`.execute(trx);
  if (!locked[0]) return undefined;
  const { rows } = await pendingReply(sql`m.id = ${locked[0].id}`).execute(trx);
  return toNextReply(rows[0]);
}

/** This run is calling Meta for the message until `ttlMs` from now, unless it renews the claim. */
export async function claimReply(trx: Tx, messageId: string, ttlMs: number): Promise<void> {
  const ttl = `${Math.round(ttlMs)} milliseconds`;
  await sql`
    insert into public.send_claims (message_id, claimed_until)
    values (${messageId}, clock_timestamp() + ${ttl}::interval)
    on conflict (message_id) do update set claimed_until = excluded.claimed_until`.execute(trx);
}

/** Keeps a claim alive; a claim that already lapsed and was settled by another run stays gone. */
export async function renewClaim(trx: Tx, messageId: string, ttlMs: number): Promise<void> {
  const ttl = `${Math.round(ttlMs)} milliseconds`;
  await sql`
    update public.send_claims set claimed_until = clock_timestamp() + ${ttl}::interval
    where message_id = ${messageId}`.execute(trx);
}

/** The send has an outcome (or was settled without one): nobody is calling Meta for it. */
export async function releaseClaim(trx: Tx, messageId: string): Promise<void> {
  await trx.deleteFrom('send_claims').where('message_id', '=', messageId).execute();
}

/** The conversation a reply belongs to (send jobs queued before replies were sent by conversation). */
export async function findReplyConversation(trx: Tx, messageId: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('conversation_messages')
    .select('conversation_id')
    .where('id', '=', messageId)
    .executeTakeFirst();
  return row?.conversation_id;
}
