// Where a string survives in the database: every table of every schema the app or Supabase
// writes, each row as text, and every bytea column (the raw webhook ledger) as bytes. For tests
// that prove something is gone (an unsent message) or never stored (a token).
import type { TestDatabase } from './database.ts';

const SCHEMAS = ['public', 'auth', 'pgboss', 'realtime', 'supabase_migrations', 'private'];

/** The tables (schema.table) holding `needle` anywhere. */
export async function tablesHolding(database: TestDatabase, needle: string): Promise<string[]> {
  const { rows: tables } = await database.query<{ name: string; bytea_columns: string[] }>(
    `select format('%I.%I', c.table_schema, c.table_name) as name,
            array_remove(array_agg(case when c.data_type = 'bytea' then quote_ident(c.column_name) end), null)
              as bytea_columns
     from information_schema.columns c
     join pg_tables t on t.schemaname = c.table_schema and t.tablename = c.table_name
     where c.table_schema = any($1)
     group by c.table_schema, c.table_name`,
    [SCHEMAS],
  );
  const found: string[] = [];
  for (const { name, bytea_columns } of tables) {
    const bytes = bytea_columns.map((column) => `position(convert_to($1, 'UTF8') in t.${column}) > 0`);
    const { rows } = await database.query<{ found: boolean }>(
      `select exists (select 1 from ${name} t where ${['strpos(t::text, $1) > 0', ...bytes].join(' or ')}) as found`,
      [needle],
    );
    if (rows[0]?.found) found.push(name);
  }
  return found;
}
