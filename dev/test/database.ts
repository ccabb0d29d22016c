// A fresh, fully migrated database for one test file, cloned from the run's template.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Database } from '#server/db/database.ts';
import { createPool } from '#server/db/pool.ts';
import { applyMigrations, applyShim } from '../migrate.ts';

export interface TestDatabase {
  name: string;
  appUrl: string;
  superuserUrl: string;
  /** The app's database client (connects as `postgres`, like DATABASE_URL). */
  db: Database;
  /** A raw client as the cluster superuser, for arranging data the app cannot write. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  /** Applies the migrations not applied yet. */
  migrate(): Promise<void>;
  drop(): Promise<void>;
}

/**
 * A database for one test file: a copy of the fully migrated template, or, with `before`, one
 * migrated only up to that version (`migrate()` then applies the rest, as an upgrade would).
 */
export async function createTestDatabase(options: { before?: string } = {}): Promise<TestDatabase> {
  const { port, password } = inject('postgres');
  const url = (user: string, database: string) =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const name = `test_${randomBytes(6).toString('hex')}`;

  const admin = new pg.Client({ connectionString: url('supabase_admin', 'postgres') });
  await admin.connect();
  try {
    if (options.before === undefined) {
      await admin.query(`create database ${name} template app_template`);
      // Database-level grants are not copied from a template; the shim gave `postgres` these.
      await admin.query(`grant all on database ${name} to postgres`);
    } else {
      await admin.query(`create database ${name}`);
    }
  } finally {
    await admin.end();
  }
  if (options.before !== undefined) {
    await applyShim(url('supabase_admin', name), password);
    await applyMigrations(url('postgres', name), { before: options.before });
  }

  const { pool: superuser, end: endSuperuser } = createPool({
    label: 'test superuser',
    connectionString: url('supabase_admin', name),
    max: 2,
  });
  const db = createDatabase({ url: url('postgres', name), poolSize: 5 });
  return {
    name,
    appUrl: url('postgres', name),
    superuserUrl: url('supabase_admin', name),
    db,
    query: (text, values) => superuser.query(text, values),
    migrate: async () => {
      await applyMigrations(url('postgres', name));
    },
    async drop() {
      await db.destroy();
      await endSuperuser(); // its connections are gone before the forced drop below
      const client = new pg.Client({ connectionString: url('supabase_admin', 'postgres') });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
