// A contact's messages as CSV, for their export: one row per message, in the order they happened,
// written by the exports' CSV table (escaping, formula guard, byte-order mark), with the media
// links the thread shows (web links only, as the inbox's every answer).
import { attachmentUrls } from '../conversations/index.ts';
import { type CsvColumn, csvTable } from '../exports/index.ts';
import type { ContactExport } from './contact-data.repository.ts';

type Message = ContactExport['messages'][number];

const iso = (value: Date | null) => value?.toISOString() ?? null;

/** `now`: stories older than a day have expired on Meta's CDN, so their links are left out. */
const columns = (now: Date): CsvColumn<Message>[] => [
  { heading: 'time', cell: (m) => iso(m.occurred_at) },
  { heading: 'direction', cell: (m) => m.direction },
  { heading: 'status', cell: (m) => m.status },
  { heading: 'kind', cell: (m) => m.kind },
  { heading: 'text', cell: (m) => m.content },
  { heading: 'attachments', cell: (m) => attachmentUrls(m.attachments, m.occurred_at, now).join(' ') },
  { heading: 'instagram_message_id', cell: (m) => m.external_message_id },
  { heading: 'edited', cell: (m) => iso(m.edited_at) },
  { heading: 'unsent', cell: (m) => iso(m.unsent_at) },
];

export function messagesCsv(data: ContactExport): string {
  const table = csvTable(columns(new Date(data.exportedAt)));
  return table.header() + table.rows(data.messages);
}
