// Generates server/db/database.gen.ts from the real migrations applied to a throwaway local
// database (kysely-codegen introspects a live database). `--verify` fails when the committed
// file no longer matches the migrations.
import { spawnSync } from 'node:child_process';
import { applyMigrations, applyShim } from './migrate.ts';
import { ephemeralClusterDir, startPostgres } from './postgres.ts';

const verify = process.argv.includes('--verify');
const cluster = await startPostgres({
  dataDir: await ephemeralClusterDir('codegen'),
  ephemeral: true,
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error); // says what to do; no stack trace
  process.exit(1);
});
let status = 1;
try {
  await applyShim(cluster.superuserUrl(), cluster.password);
  await applyMigrations(cluster.appUrl());
  const args = ['kysely-codegen', '--url', cluster.appUrl(), ...(verify ? ['--verify'] : [])];
  status = spawnSync('npx', args, { stdio: 'inherit' }).status ?? 1;
  if (status !== 0 && verify) {
    console.error(
      'server/db/database.gen.ts is out of date with supabase/migrations: run `npm run db:types`.',
    );
  }
} finally {
  await cluster.stop();
}
process.exit(status);
