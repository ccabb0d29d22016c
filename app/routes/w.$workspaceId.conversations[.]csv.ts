// GET /w/:workspaceId/conversations.csv?status=&unreadOnly=&assignedToMe=&accountId=&search=: the
// inbox list, with its filters, as CSV: one row per message of each conversation.
import { csvExportLoader } from '#app/lib/csv-export.server.ts';

export const loader = csvExportLoader('conversations');
