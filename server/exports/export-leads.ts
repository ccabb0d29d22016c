// The leads list as CSV: the list's filters, newest first, every lead with its contact, where it
// came from and its account.
import type { Actor, Database } from '../db/database.ts';
import type { PagePosition } from '../db/page-cursor.ts';
import {
  countLeads,
  LEAD_SOURCE_LABELS,
  type LeadQuery,
  type LeadRecord,
  leadFilters,
  listLeadRecordPage,
} from '../leads/index.ts';
import { csvTable, handle } from './csv.ts';
import { type CsvExport, EXPORT_BATCH_SIZE, type ExportOptions } from './export-options.ts';
import type { ExportLeadsQuery } from './exports.schemas.ts';

export const LEADS_CSV = csvTable<LeadRecord>([
  { heading: 'Lead ID', cell: (lead) => lead.id },
  { heading: 'Contact name', cell: (lead) => lead.contactName },
  { heading: 'Username', cell: (lead) => handle(lead.contactUsername) },
  { heading: 'Instagram user ID', cell: (lead) => lead.contactIdentifier },
  { heading: 'Source', cell: (lead) => LEAD_SOURCE_LABELS[lead.source] },
  { heading: 'Ad ID', cell: (lead) => lead.sourceAdId },
  { heading: 'Ad title', cell: (lead) => lead.ad?.title ?? null },
  { heading: 'Ad post ID', cell: (lead) => lead.ad?.postId ?? null },
  { heading: 'Product ID', cell: (lead) => lead.sourceProductId },
  { heading: 'Ref', cell: (lead) => lead.sourceRef },
  { heading: 'Status', cell: (lead) => lead.status },
  { heading: 'First contact (UTC)', cell: (lead) => lead.firstContactAt },
  { heading: 'Account', cell: (lead) => handle(lead.account.name) },
  { heading: 'Account ID', cell: (lead) => lead.account.id },
  { heading: 'Conversation ID', cell: (lead) => lead.conversationId },
  { heading: 'Created (UTC)', cell: (lead) => lead.createdAt },
]);

async function* leadChunks(
  db: Database,
  actor: Actor,
  query: LeadQuery,
  options: ExportOptions,
): AsyncGenerator<string> {
  const limit = options.batchSize ?? EXPORT_BATCH_SIZE;
  yield LEADS_CSV.header();
  let after: PagePosition | null = null;
  do {
    const page = await db.withUser(actor, (trx) => listLeadRecordPage(trx, { ...query, after, limit }));
    options.onRead?.(page.items.length);
    if (page.items.length > 0) yield LEADS_CSV.rows(page.items);
    after = page.next;
  } while (after);
}

/** The workspace's leads the list shows for `filters`, as CSV; read as the operator (RLS). */
export async function exportLeads(
  db: Database,
  actor: Actor,
  workspaceId: string,
  filters: ExportLeadsQuery,
  options: ExportOptions = {},
): Promise<CsvExport> {
  const query: LeadQuery = { workspaceId, filters: leadFilters(filters) };
  const total = await db.withUser(actor, (trx) => countLeads(trx, query));
  return { total, chunks: leadChunks(db, actor, query, options) };
}
