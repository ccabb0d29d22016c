// Erases a contact everywhere the workspace holds them: their conversation and its messages (with
// their media links), their lead, their profile, the events parsed from what Meta sent about
// them, their words in the raw deliveries, and the background jobs that name them. One
// transaction, holding the conversation's lock, so a delivery being applied meanwhile either
// lands before (and is erased) or after (a new message, which starts anew). An admin does it from
// the conversation view; Meta's data-deletion callback does it for the person who asked.
import { contactRef, recordAudit } from '../audit/index.ts';
import { deleteContactConversation, lockConversationKey } from '../conversations/index.ts';
import type { Actor, Tx } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { enrichContactJob, eraseContactLedger } from '../ingest/index.ts';
import { forgetJobs } from '../jobs/queue.ts';
import { deleteContactLead } from '../leads/index.ts';
import type { Services } from '../services.ts';
import { findContactOfConversation, findContactsById } from './contacts.repository.ts';

export interface ContactRef {
  workspaceId: string;
  connectionId: string;
  igsid: string;
}

export type ErasureSummary = Record<string, number>;

/** The erasure itself, in the caller's server transaction. */
export async function eraseContactData(trx: Tx, contact: ContactRef): Promise<ErasureSummary> {
  await lockConversationKey(trx, contact.connectionId, contact.igsid);
  const ledger = await eraseContactLedger(trx, contact);
  // The lead first: deleting the conversation would take it along uncounted.
  const leads = await deleteContactLead(trx, contact);
  const conversation = await deleteContactConversation(trx, contact);
  const jobs = await forgetJobs(trx, enrichContactJob.queue, {
    connectionId: contact.connectionId,
    igsid: contact.igsid,
  });
  return { ...conversation, leads, ...ledger, jobs };
}

/** An admin erases the contact of a conversation; what was removed. */
export async function eraseContact(
  services: Pick<Services, 'db'>,
  actor: Actor,
  request: { workspaceId: string; conversationId: string },
): Promise<ErasureSummary> {
  const contact = await services.db.withUser(actor, (trx) => findContactOfConversation(trx, request));
  if (!contact) throw new AppError('NOT_FOUND', 'There is no such conversation in this workspace.');
  return services.db.withService(async (trx) => {
    const summary = await eraseContactData(trx, contact);
    await recordAudit(trx, actor.userId, {
      workspaceId: contact.workspaceId,
      action: 'contact.erase',
      target: contactRef(contact.workspaceId, contact.igsid),
      detail: summary,
    });
    return summary;
  });
}

/**
 * Meta's data-deletion callback for a person who messaged businesses here: erased from every
 * workspace that holds them, each recorded in that workspace's audit log.
 */
export async function eraseContactEverywhere(trx: Tx, igsid: string): Promise<ErasureSummary> {
  const total: ErasureSummary = {};
  for (const contact of await findContactsById(trx, igsid)) {
    const summary = await eraseContactData(trx, contact);
    await recordAudit(trx, null, {
      workspaceId: contact.workspaceId,
      action: 'meta.data_deletion',
      target: contactRef(contact.workspaceId, contact.igsid),
      detail: summary,
    });
    for (const [key, n] of Object.entries(summary)) total[key] = (total[key] ?? 0) + n;
  }
  return total;
}
