// Ingest's side of push: in the transaction that stores a batch of customer messages, one push
// job per conversation for its latest new message (the badge counts the others), in workspaces
// where someone has a device to tell. The job's id is the message's, so the same message is never
// queued twice. A rollback un-queues it with the messages, and a commit means it will run:
// nothing stored is left untold.
import type { Tx } from '../db/database.ts';
import type { Services } from '../services.ts';
import { notifyNewMessageJob } from './notify-new-message.job.ts';
import type { NewMessageRef } from './notify-new-message.ts';
import { workspacesWithDevices } from './recipients.repository.ts';

export type NewCustomerMessage = NewMessageRef & { occurredAt: Date };

/** Collects a batch's new customer messages: the latest of each conversation. */
export function newMessageCollector() {
  const latest = new Map<string, NewCustomerMessage>();
  return {
    add(message: NewCustomerMessage) {
      const known = latest.get(message.conversationId);
      if (!known || known.occurredAt <= message.occurredAt) latest.set(message.conversationId, message);
    },
    /** Queues the jobs in `trx`; call it last, once the batch's messages are stored. */
    async queue(trx: Tx, services: Pick<Services, 'enqueue'>) {
      if (latest.size === 0) return;
      const told = await workspacesWithDevices(trx, [
        ...new Set([...latest.values()].map((m) => m.workspaceId)),
      ]);
      for (const { occurredAt: _occurredAt, ...ref } of latest.values()) {
        if (told.has(ref.workspaceId))
          await services.enqueue(trx, notifyNewMessageJob, ref, { id: ref.messageId });
      }
    },
  };
}
