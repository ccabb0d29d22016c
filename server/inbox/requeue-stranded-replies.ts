// A reply waits QUEUED only while a send job is there to send it. If its job ran out of retries
// (a database outage longer than the retry schedule) or was lost, nothing else would ever send it,
// so every few minutes the replies QUEUED for a while with no live job get a new one: one job per
// conversation, its parts in the order they were written. Only rows still QUEUED are picked, and
// the send job claims each one QUEUED → SENDING before calling Meta, so nothing goes out twice.
import type { Database } from '../db/database.ts';
import { findStrandedReplies } from './outbound-messages.repository.ts';
import type { EnqueueSend } from './queue-outbound-message.ts';

/** Younger replies may still be on their way to their first job. */
export const STRANDED_AFTER_MS = 5 * 60 * 1000;

export async function requeueStrandedReplies(
  deps: { db: Database; enqueueSend: EnqueueSend; queue: { schema: string; name: string } },
  now = new Date(),
): Promise<{ requeued: number }> {
  return deps.db.withService(async (trx) => {
    const stranded = await findStrandedReplies(
      trx,
      new Date(now.getTime() - STRANDED_AFTER_MS),
      deps.queue.schema,
      deps.queue.name,
    );
    const byConversation = new Map<string, string[]>();
    for (const row of stranded) {
      byConversation.set(row.conversation_id, [...(byConversation.get(row.conversation_id) ?? []), row.id]);
    }
    for (const messageIds of byConversation.values()) await deps.enqueueSend(trx, messageIds);
    return { requeued: stranded.length };
  });
}
