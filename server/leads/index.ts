// The leads slice: Leads: where new contacts came from, and the leads list.
// Other code imports only this file (see docs/architecture.md).

export { IMPORTED_HISTORY_ORIGIN, type LeadOrigin, leadOrigin } from './lead-origin.ts';
export { LEAD_SOURCE_LABELS } from './lead-sources.ts';
export type { LeadQuery, LeadRecord, LeadSource } from './leads.repository.ts';
export {
  countLeads,
  deleteContactLead,
  listLeadRecordPage,
  type NewLead,
  recordLead,
  recordLeads,
} from './leads.repository.ts';
export { LeadListSchema, ListLeadsInput } from './leads.schemas.ts';
export { leadFilters, listLeads } from './list-leads.ts';
