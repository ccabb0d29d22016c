// Keyset paging for lists sorted newest first by (timestamp, id): the cursor a page hands out is
// the last row's sort key, opaque to clients so the key can change without breaking them.
import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import { AppError } from '../errors.ts';

/** The sort key of a page's last row; `at` is Postgres's text form, at full microsecond precision. */
export interface PagePosition {
  at: string;
  id: string;
}

export function encodePageCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The position a cursor stands for; a cursor no page issued is bad input, never a SQL error. */
export function decodePageCursor(cursor: string): PagePosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      UUID.test(value[1])
    ) {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // reported below
  }
  throw new AppError('BAD_INPUT', 'cursor is not a value returned by a previous page', {
    reason: 'invalid_cursor',
  });
}

/**
 * Rows that sort after `position` newest first, by the (timestamp, id) columns named; with the row
 * tuple, Postgres walks the (timestamp, id) index from the position on.
 */
export function olderThan(atColumn: string, idColumn: string, position: PagePosition): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(atColumn)}, ${sql.ref(idColumn)}) < (${position.at}::timestamptz, ${position.id}::uuid)`;
}

/**
 * A page from rows fetched with a limit one above the page's: the extra row only says there is
 * more. Rows carry their sort key as `position_at` (the timestamp's text, at full precision).
 */
export function pageOf<Row extends { position_at: string; id: string }>(
  rows: Row[],
  limit: number,
): { rows: Row[]; next: PagePosition | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { at: last.position_at, id: last.id } : null };
}

/**
 * One page of `select`, newest first by (atColumn, idColumn), after `after`; the rows must carry
 * `position_at` (the timestamp's text) and `id`.
 */
export async function newestFirstPage<
  DB,
  TB extends keyof DB,
  Row extends { position_at: string; id: string },
>(
  select: SelectQueryBuilder<DB, TB, Row>,
  columns: { at: string; id: string },
  after: PagePosition | null,
  limit: number,
): Promise<{ rows: Row[]; next: PagePosition | null }> {
  const rows = await (after ? select.where(olderThan(columns.at, columns.id, after)) : select)
    .orderBy(sql.ref(columns.at), 'desc')
    .orderBy(sql.ref(columns.id), 'desc')
    .limit(limit + 1)
    .execute();
  return pageOf(rows, limit);
}
