// Keyset paging for lists sorted newest first by (timestamp, id): the cursor a page hands out is
// the last row's sort key, opaque to clients so the key can change without breaking them.
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
  throw new AppError('BAD_INPUT', 'cursor is not a value returned by a previous page');
}
