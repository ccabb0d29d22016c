// A contact's messages as CSV, for their export: one row per message, in the order they happened.
import { stringify } from 'csv-stringify/sync';
import type { ContactExport } from './contact-data.repository.ts';

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula:
 * a customer's words must never be one. The apostrophe makes it text and is not shown.
 */
export function spreadsheetSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const iso = (value: Date | null) => value?.toISOString() ?? '';

export function messagesCsv(data: ContactExport): string {
  const attachmentUrls = (attachments: unknown) =>
    Array.isArray(attachments)
      ? attachments
          .map((attachment) => (attachment as { url?: unknown } | null)?.url)
          .filter((url): url is string => typeof url === 'string')
          .join(' ')
      : '';
  return stringify(
    data.messages.map((message) => [
      iso(message.occurred_at),
      message.direction,
      message.status,
      message.kind ?? '',
      spreadsheetSafe(message.content),
      spreadsheetSafe(attachmentUrls(message.attachments)),
      message.external_message_id ?? '',
      iso(message.edited_at),
      iso(message.unsent_at),
    ]),
    {
      header: true,
      columns: [
        'time',
        'direction',
        'status',
        'kind',
        'text',
        'attachments',
        'instagram_message_id',
        'edited',
        'unsent',
      ],
    },
  );
}
