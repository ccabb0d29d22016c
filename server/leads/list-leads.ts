// The Leads screen and the mobile app's lead list: one page of a workspace's leads, newest first.
import type { Actor, Database } from '../db/database.ts';
import { decodePageCursor, encodePageCursor } from '../db/page-cursor.ts';
import { type LeadFilters, type LeadSource, type LeadSummary, listLeadPage } from './leads.repository.ts';

/** The list's filters as an operator sets them (the search as typed). */
export interface LeadListFilters {
  source?: LeadSource;
  search?: string;
}

export interface ListLeadsInput extends LeadListFilters {
  workspaceId: string;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor: string | null;
  limit: number;
}

export interface LeadList {
  items: LeadSummary[];
  nextCursor: string | null;
}

/**
 * The filters the query applies: the search trimmed, and a lone "@" (the start of a username
 * being typed) searching nothing. Exports narrow by the same function, so they match the list.
 */
export function leadFilters(filters: LeadListFilters): LeadFilters {
  const search = filters.search?.trim();
  return { source: filters.source, search: search && search !== '@' ? search : undefined };
}

/** Read as the operator: row-level security keeps every other workspace's leads out. */
export async function listLeads(db: Database, actor: Actor, input: ListLeadsInput): Promise<LeadList> {
  const after = input.cursor === null ? null : decodePageCursor(input.cursor);
  const page = await db.withUser(actor, (trx) =>
    listLeadPage(trx, {
      workspaceId: input.workspaceId,
      filters: leadFilters(input),
      after,
      limit: input.limit,
    }),
  );
  return { items: page.items, nextCursor: page.next && encodePageCursor(page.next) };
}
