// A fresh, fully migrated database for one test file, cloned from the run's template.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Database } from '#server/db/database.ts';
import { createPool } from '#server/db/pool.ts';

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
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const { port, password } = inject('postgres');
  const url = (user: string, database: string) =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const name = `test_${randomBytes(6).toString('hex')}`;

  const admin = new pg.Client({ connectionString: url('supabase_admin', 'postgres') });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template app_template`);
    // Database-level grants are not copied from a template; the shim gave `postgres` these.
    await admin.query(`grant all on database ${name} to postgres`);
  } finally {
    await admin.end();
  }

  const { pool: superuser, end: endSuperuser } = createPool({
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
