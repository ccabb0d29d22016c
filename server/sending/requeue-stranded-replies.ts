// A reply waits QUEUED only while a send job is there to send it. If its job ran out of retries
// (a database outage longer than the retry schedule) or was lost, nothing else would ever send it,
// so every few minutes each conversation with replies waiting for a while and no live job gets a
// new one. The job sends the conversation's replies in the order they were written, claiming each
// QUEUED → SENDING before calling Meta, so nothing goes out twice.
import type { Services } from '../services.ts';
import { findStrandedConversations } from './outbound-messages.repository.ts';
import { sendMessagesJob } from './send-messages.job.ts';

/** Younger replies may still be on their way to their first job. */
export const STRANDED_AFTER_MS = 5 * 60 * 1000;

export async function requeueStrandedReplies(
  deps: Pick<Services, 'db' | 'enqueue'> & { queue: { schema: string; name: string } },
  now = new Date(),
): Promise<{ requeued: number }> {
  return deps.db.withService(async (trx) => {
    const stranded = await findStrandedConversations(
      trx,
      new Date(now.getTime() - STRANDED_AFTER_MS),
      deps.queue.schema,
      deps.queue.name,
    );
    for (const conversationId of stranded) await deps.enqueue(trx, sendMessagesJob, { conversationId });
    return { requeued: stranded.length };
  });
}
