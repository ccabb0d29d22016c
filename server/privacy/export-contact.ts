// Everything the workspace holds about one contact, for an admin to hand over (a subject access
// request): their profile, conversation, every message with its media links and reactions, their
// lead, and the events parsed from what Meta sent about them. Read as the admin (RLS), so it holds
// this workspace's data only; recorded in the audit log.
import { contactRef, recordAudit } from '../audit/index.ts';
import type { Actor } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import { type ContactExport, readContactData } from './contact-data.repository.ts';
import { findContactOfConversation } from './contacts.repository.ts';

export async function exportContact(
  services: Pick<Services, 'db'>,
  actor: Actor,
  request: { workspaceId: string; conversationId: string },
): Promise<ContactExport> {
  const data = await services.db.withUser(actor, async (trx) => {
    const contact = await findContactOfConversation(trx, request);
    return contact && { contact, data: await readContactData(trx, contact) };
  });
  if (!data) throw new AppError('NOT_FOUND', 'There is no such conversation in this workspace.');
  const { contact } = data;
  await services.db.withService((trx) =>
    recordAudit(trx, actor.userId, {
      workspaceId: contact.workspaceId,
      action: 'contact.export',
      target: contactRef(contact.workspaceId, contact.igsid),
      detail: { messages: data.data.messages.length, events: data.data.events.length },
    }),
  );
  return data.data;
}
