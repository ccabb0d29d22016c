// Finding a contact for privacy requests: by the conversation an admin has open (under RLS), or
// by their Instagram id in every workspace (the server, for Meta's callback).
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { ContactRef } from './erase-contact.ts';

/**
 * The contact of a conversation in a workspace the operator administers: the database, not only
 * the API, keeps exports and erasures to owners and admins.
 */
export async function findContactOfConversation(
  trx: Tx,
  request: { workspaceId: string; conversationId: string },
): Promise<ContactRef | undefined> {
  const row = await trx
    .selectFrom('conversations')
    .select(['workspace_id', 'channel_connection_id', 'contact_identifier'])
    .where('id', '=', request.conversationId)
    .where('workspace_id', '=', request.workspaceId)
    .where('workspace_id', 'in', sql<string>`(select private.my_admin_workspace_ids())`)
    .executeTakeFirst();
  return (
    row && {
      workspaceId: row.workspace_id,
      connectionId: row.channel_connection_id,
      igsid: row.contact_identifier,
    }
  );
}

/** Every account's contact with this Instagram id: conversations, leads or profiles. */
export async function findContactsById(trx: Tx, igsid: string): Promise<ContactRef[]> {
  const rows = await trx
    .selectFrom('conversations')
    .select(['workspace_id', 'channel_connection_id'])
    .where('contact_identifier', '=', igsid)
    .union(
      trx
        .selectFrom('leads')
        .select(['workspace_id', 'channel_connection_id'])
        .where('contact_identifier', '=', igsid),
    )
    .union(
      trx.selectFrom('contacts').select(['workspace_id', 'channel_connection_id']).where('igsid', '=', igsid),
    )
    .execute();
  return rows.map((row) => ({
    workspaceId: row.workspace_id,
    connectionId: row.channel_connection_id,
    igsid,
  }));
}
