// `npm start`: the whole product on one machine. Starts embedded PostgreSQL, the Supabase
// stand-in and the app (Vite dev server), seeds a demo operator, and prints where to go.
// Ctrl-C stops everything; a cluster orphaned by a hard kill is stopped on the next start.
import path from 'node:path';
import { createServer } from 'vite';
import { parseEnv } from '#server/env.ts';
import { freePort, isPortFree, LOCAL_ROOT } from './postgres.ts';
import { DEMO_OPERATOR, seedDemo } from './seed.ts';
import { startLocalStack } from './stack.ts';

const startedAt = performance.now();
const step = (message: string) => console.log(`  ${message}`);

console.log('\nStarting the local stack…');
const stack = await startLocalStack({ dataDir: path.join(LOCAL_ROOT, 'dev') });
step(`PostgreSQL 17     ${stack.env.DATABASE_URL?.replace(/:[^:@/]+@/, ':•••@')}`);
step(`Supabase (local)  ${stack.supabase.url}`);

let vite: Awaited<ReturnType<typeof createServer>> | undefined;
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await vite?.close().catch(() => {});
  await stack.stop().catch((error: unknown) => console.error(error));
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  Object.assign(process.env, { NODE_ENV: 'development', ...stack.env });
  parseEnv(process.env); // refuse to start on a bad configuration, naming the variable
  await seedDemo(stack);

  const port = Number(process.env.PORT) || ((await isPortFree(3000)) ? 3000 : await freePort());
  vite = await createServer({ server: { port, strictPort: true, host: '127.0.0.1' } });
  await vite.listen();
  const url = `http://127.0.0.1:${port}`;
  // Warm the first page so the operator's first click is fast.
  await fetch(`${url}/sign-in`).catch(() => {});

  console.log(`
  ┌──────────────────────────────────────────────────────────────┐
    Inbox is ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s

    Open        ${url}
    Sign in as  ${DEMO_OPERATOR.email}
    Password    ${DEMO_OPERATOR.password}

    Press Ctrl-C to stop.
  └──────────────────────────────────────────────────────────────┘
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
