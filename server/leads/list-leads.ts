// The Leads screen and the mobile app's lead list: one page of a workspace's leads, newest first.
import type { Actor, Database } from '../db/database.ts';
import { decodePageCursor, encodePageCursor } from '../db/page-cursor.ts';
import { type LeadSource, type LeadSummary, listLeadPage } from './leads.repository.ts';

export interface ListLeadsInput {
  workspaceId: string;
  source?: LeadSource;
  search?: string;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor: string | null;
  limit: number;
}

export interface LeadList {
  items: LeadSummary[];
  nextCursor: string | null;
}

/** Read as the operator: row-level security keeps every other workspace's leads out. */
export async function listLeads(db: Database, actor: Actor, input: ListLeadsInput): Promise<LeadList> {
  const after = input.cursor === null ? null : decodePageCursor(input.cursor);
  const search = input.search?.trim();
  const page = await db.withUser(actor, (trx) =>
    listLeadPage(trx, {
      workspaceId: input.workspaceId,
      filters: { source: input.source, search: search && search !== '@' ? search : undefined },
      after,
      limit: input.limit,
    }),
  );
  return { items: page.items, nextCursor: page.next && encodePageCursor(page.next) };
}
