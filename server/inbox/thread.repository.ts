// SQL for reading a conversation's thread, newest first, a page at a time.
import type { Tx } from '../db/database.ts';

export interface ThreadPosition {
  occurredAt: Date;
  id: string;
}

export async function listThreadPage(
  trx: Tx,
  conversationId: string,
  before: ThreadPosition | null,
  limit: number,
) {
  let query = trx
    .selectFrom('conversation_messages')
    .select([
      'id',
      'direction',
      'kind',
      'content',
      'attachments',
      'status',
      'external_message_id',
      'reply_to_external_id',
      'reactions',
      'business_reaction',
      'edit_count',
      'unsent_at',
      'seen_at',
      'occurred_at',
      'error_code',
      'error_message',
      'messaging_tag',
      'provider_data',
    ])
    .where('conversation_id', '=', conversationId);
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('occurred_at', '<', before.occurredAt),
        eb.and([eb('occurred_at', '=', before.occurredAt), eb('id', '<', before.id)]),
      ]),
    );
  }
  return query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
