// The exports slice: the leads and the conversations (with their messages) lists as CSV, with the
// lists' own filters, streamed a batch at a time. Other code imports only this file.

export { type CsvColumn, csvTable } from './csv.ts';
export { csvExportResponse, type ExportKind, TOTAL_ROWS_HEADER } from './csv-response.ts';
export { CONVERSATIONS_PER_PAGE, exportConversations } from './export-conversations.ts';
export { exportLeads } from './export-leads.ts';
export { type CsvExport, EXPORT_BATCH_SIZE, type ExportOptions } from './export-options.ts';
export { ExportConversationsQuery, ExportLeadsQuery } from './exports.schemas.ts';
