// How an export reads: in batches, each its own short transaction as the operator, so row-level
// security applies to every batch, no transaction stays open while a slow client downloads, and
// the server never holds more than one batch of rows.

/** Rows read per batch (and per query): a few hundred kilobytes of CSV. */
export const EXPORT_BATCH_SIZE = 1000;

export interface ExportOptions {
  batchSize?: number;
  /** Told the number of rows each batch read, before they are written (tests count them). */
  onRead?: (rows: number) => void;
  /** The media policy's clock: story media older than a day is exported without its link. */
  now?: Date;
}

/** What an export is about to write: the rows to expect (for progress), then the CSV. */
export interface CsvExport {
  /**
   * Counted just before the first batch is read: rows that arrive or go while the export runs
   * change what it writes but not this number (it is for progress, not a checksum).
   */
  total: number;
  /** The header, then one chunk per batch; read lazily, so nothing is read before it is asked for. */
  chunks: AsyncIterable<string>;
}
