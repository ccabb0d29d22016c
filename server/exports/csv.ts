// CSV text a batch at a time, written by csv-stringify (quoting and escaping are its job, not
// ours). A table is its columns: a heading and how to read the cell from a record.
import { stringify } from 'csv-stringify/sync';

export interface CsvColumn<T> {
  heading: string;
  cell: (record: T) => string | number | boolean | null;
}

const OPTIONS = {
  // RFC 4180's line ending; Excel and Google Sheets read either.
  record_delimiter: 'windows',
  // With a delimiter of its own, the library quotes only cells holding that pair; a lone line feed
  // or carriage return in a message would then split its record in two in every spreadsheet.
  quote_record_delimiter: true,
  // Formula injection: spreadsheets run a cell that starts with = + - @ (a leading tab or carriage
  // return can hide one) as a formula, so a customer who names themselves `=HYPERLINK(...)` or
  // writes `=cmd|' /C calc'!A0` would have it run on the operator's machine when the file is
  // opened. Such cells get a leading apostrophe, which spreadsheets read as "this is text"
  // (OWASP's advice); the full-width forms of those characters are escaped too.
  escape_formulas: true,
  cast: {
    boolean: (value: boolean) => (value ? 'yes' : 'no'),
  },
} as const;

export interface CsvTable<T> {
  /** The first chunk: a byte-order mark (without it Excel reads UTF-8 as its local code page) and the headings. */
  header(): string;
  rows(records: readonly T[]): string;
}

export function csvTable<T>(columns: readonly CsvColumn<T>[]): CsvTable<T> {
  return {
    header: () => stringify([columns.map((column) => column.heading)], { ...OPTIONS, bom: true }),
    rows: (records) =>
      stringify(
        records.map((record) => columns.map((column) => column.cell(record))),
        OPTIONS,
      ),
  };
}

/**
 * An Instagram handle without its "@" (accounts are named "@shop"): a cell starting with "@" is
 * taken for a formula and escaped, and the handle reads the same without it.
 */
export function handle(name: string | null): string | null {
  return name?.replace(/^@/, '') ?? null;
}
