// A contact's messages as CSV, for their export: one row per message, in the order they happened,
// written by the exports' CSV table (escaping, formula guard, byte-order mark).
import { type CsvColumn, csvTable } from '../exports/index.ts';
import type { ContactExport } from './contact-data.repository.ts';

type Message = ContactExport['messages'][number];

const iso = (value: Date | null) => value?.toISOString() ?? null;

function attachmentUrls(attachments: unknown): string {
  return Array.isArray(attachments)
    ? attachments
        .map((attachment) => (attachment as { url?: unknown } | null)?.url)
        .filter((url): url is string => typeof url === 'string')
        .join(' ')
    : '';
}

const COLUMNS: CsvColumn<Message>[] = [
  { heading: 'time', cell: (m) => iso(m.occurred_at) },
  { heading: 'direction', cell: (m) => m.direction },
  { heading: 'status', cell: (m) => m.status },
  { heading: 'kind', cell: (m) => m.kind },
  { heading: 'text', cell: (m) => m.content },
  { heading: 'attachments', cell: (m) => attachmentUrls(m.attachments) },
  { heading: 'instagram_message_id', cell: (m) => m.external_message_id },
  { heading: 'edited', cell: (m) => iso(m.edited_at) },
  { heading: 'unsent', cell: (m) => iso(m.unsent_at) },
];

const table = csvTable(COLUMNS);

export function messagesCsv(data: ContactExport): string {
  return table.header() + table.rows(data.messages);
}
