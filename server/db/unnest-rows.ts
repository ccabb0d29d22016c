// Many rows written by one statement with one array parameter per column (`select * from
// unnest(...)`), not a VALUES list of a parameter per value: Postgres takes at most 65,535
// parameters in a statement (a merged ingest run can write more values than that), and it parses
// and plans a VALUES list of thousands of parameters much slower.
import { type Insertable, type RawBuilder, sql } from 'kysely';
import type { DB } from './database.gen.ts';

/** The Postgres type of each column written (an array of it is unnested). */
export type ColumnTypes<Table extends keyof DB> = { [Column in keyof DB[Table]]?: string };

/**
 * The rows of `table` as a select for `insertInto(table).columns(columns).expression(select)`.
 * Every row must give every column listed (null for none): a column left out would be written as
 * null, not as its default, so it is refused.
 */
export function unnestRows<Table extends keyof DB>(
  table: Table,
  types: ColumnTypes<Table>,
  rows: readonly Insertable<DB[Table]>[],
): { columns: (keyof DB[Table] & string)[]; select: RawBuilder<unknown> } {
  const columns = Object.keys(types) as (keyof DB[Table] & string)[];
  for (const row of rows) {
    const given = Object.keys(row);
    if (given.length !== columns.length || !columns.every((column) => column in row)) {
      throw new Error(`${String(table)}: rows must give exactly the columns ${columns.join(', ')}`);
    }
  }
  const arrays = columns.map(
    (column) =>
      sql`${rows.map((row) => (row as Record<string, unknown>)[column] ?? null)}::${sql.raw(`${types[column]}[]`)}`,
  );
  return { columns, select: sql`select * from unnest(${sql.join(arrays)})` };
}
