// Brings a local database to the shape hosted Supabase has: the shim (as superuser), then
// supabase/migrations/* in order (as `postgres`), recorded in the same history table that
// `supabase db push` uses, so each file is applied exactly once.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

const ROOT = path.resolve(import.meta.dirname, '..');
const SHIM_FILE = path.join(ROOT, 'dev', 'supabase', 'shim.sql');
const MIGRATIONS_DIR = path.join(ROOT, 'supabase', 'migrations');
const MIGRATION_FILE = /^(\d+)_(.+)\.sql$/;

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs the shim and gives the `postgres` role it creates the cluster password. */
export async function applyShim(superuserUrl: string, appPassword: string): Promise<void> {
  const shim = await readFile(SHIM_FILE, 'utf8');
  await withClient(superuserUrl, async (client) => {
    await client.query(shim);
    await client.query(`alter role postgres password ${client.escapeLiteral(appPassword)}`);
  });
}

export async function listMigrations(): Promise<{ version: string; name: string; file: string }[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => MIGRATION_FILE.test(f)).sort();
  return files.map((file) => {
    const [, version, name] = MIGRATION_FILE.exec(file) as RegExpExecArray;
    return { version: version as string, name: name as string, file: path.join(MIGRATIONS_DIR, file) };
  });
}

/**
 * Applies pending migrations; returns the versions it applied. `before` stops short of a version
 * (an upgrade test arranges data as an older release left it, then applies the rest).
 */
export async function applyMigrations(appUrl: string, options: { before?: string } = {}): Promise<string[]> {
  return withClient(appUrl, async (client) => {
    await client.query(`
      create schema if not exists supabase_migrations;
      create table if not exists supabase_migrations.schema_migrations (
        version text primary key, statements text[], name text)`);
    const applied = new Set(
      (
        await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations')
      ).rows.map((r) => r.version),
    );
    const done: string[] = [];
    for (const migration of await listMigrations()) {
      if (options.before !== undefined && migration.version >= options.before) break;
      if (applied.has(migration.version)) continue;
      const sql = await readFile(migration.file, 'utf8');
      await client.query('begin');
      try {
        await client.query(sql);
        await client.query(
          'insert into supabase_migrations.schema_migrations (version, statements, name) values ($1, $2, $3)',
          [migration.version, [sql], migration.name],
        );
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${path.basename(migration.file)} failed: ${(error as Error).message}`);
      }
      done.push(migration.version);
    }
    return done;
  });
}

/** Creates a database if it does not exist yet. */
export async function ensureDatabase(superuserUrl: string, database: string): Promise<void> {
  await withClient(superuserUrl, async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
  });
}
