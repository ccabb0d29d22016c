// SQL for leads written by ingest.
import type { Tx } from '../db/database.ts';

export type LeadSource = 'DM' | 'STORY_REPLY' | 'STORY_MENTION' | 'AD' | 'REFERRAL';

/** One lead per contact of an account: the first conversation creates it, later ones change nothing. */
export async function createLeadOnce(
  trx: Tx,
  lead: {
    workspaceId: string;
    connectionId: string;
    conversationId: string;
    contactId: string;
    source: LeadSource;
    sourceRef: string | null;
    sourceAdId: string | null;
  },
): Promise<void> {
  await trx
    .insertInto('leads')
    .values({
      workspace_id: lead.workspaceId,
      channel_connection_id: lead.connectionId,
      conversation_id: lead.conversationId,
      contact_identifier: lead.contactId,
      source: lead.source,
      source_ref: lead.sourceRef,
      source_ad_id: lead.sourceAdId,
    })
    .onConflict((oc) => oc.columns(['channel_connection_id', 'contact_identifier']).doNothing())
    .execute();
}
