// GET /w/:workspaceId/leads.csv?source=&search=: the Leads list, with its filters, as CSV.
import { csvExportLoader } from '#app/lib/csv-export.server.ts';

export const loader = csvExportLoader('leads');
