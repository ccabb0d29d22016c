// `npm start`: the whole product on one machine. Starts embedded PostgreSQL, the Supabase
// stand-in, the Meta simulator, the app (Vite dev server) and the background workers, seeds a
// demo operator with a connected Instagram account, and prints where to go.
// Ctrl-C stops everything; a cluster orphaned by a hard kill is stopped on the next start.
import path from 'node:path';
import { createServer } from 'vite';
import { parseEnv } from '#server/env.ts';
import { startWorkers, type Workers } from '#server/jobs/worker.ts';
import { createRuntime, type Runtime } from '#server/runtime.ts';
import { writeSimulatorFile } from './meta/simulator-file.ts';
import { freePort, isPortFree, LOCAL_ROOT } from './postgres.ts';
import { DEMO_OPERATOR, playDemoConversations, seedDemo } from './seed.ts';
import { startLocalStack } from './stack.ts';

const startedAt = performance.now();
const step = (message: string) => console.log(`  ${message}`);

console.log('\nStarting the local stack…');
const stack = await startLocalStack({ dataDir: path.join(LOCAL_ROOT, 'dev') }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error); // says what to do; no stack trace
  process.exit(1);
});
step(`PostgreSQL 17     ${stack.env.DATABASE_URL?.replace(/:[^:@/]+@/, ':•••@')}`);
step(`Supabase (local)  ${stack.supabase.url}`);
step(`Meta simulator    ${stack.meta.url}`);

let vite: Awaited<ReturnType<typeof createServer>> | undefined;
let runtime: Runtime | undefined;
let workers: Workers | undefined;
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await workers?.stop().catch(() => {});
  await runtime?.close().catch(() => {});
  await vite?.close().catch(() => {});
  await stack.stop().catch((error: unknown) => console.error(error));
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  const port = Number(process.env.PORT) || ((await isPortFree(3000)) ? 3000 : await freePort());
  const url = `http://127.0.0.1:${port}`;
  Object.assign(process.env, { NODE_ENV: 'development', ...stack.env, APP_URL: url });
  const env = parseEnv(process.env); // refuse to start on a bad configuration, naming the variable
  const demo = await seedDemo(stack);

  vite = await createServer({ server: { port, strictPort: true, host: '127.0.0.1' } });
  await vite.listen();
  runtime = createRuntime(env);
  workers = await startWorkers(runtime);
  stack.meta.setWebhookUrl(`${url}/api/instagram/webhook`);
  await writeSimulatorFile(stack.meta);
  // Warm the first page so the operator's first click is fast.
  await fetch(`${url}/sign-in`).catch(() => {});
  if (demo.fresh) await playDemoConversations(stack, demo);

  console.log(`
  ┌──────────────────────────────────────────────────────────────────┐
    Inbox is ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s

    Open            ${url}
    Sign in as      ${DEMO_OPERATOR.email}
    Password        ${DEMO_OPERATOR.password}

    Be a customer   ${stack.meta.url}/chat   (writes to @${demo.account.username})
    Or from a shell npm run meta -- send --account ${demo.account.username} --customer ${demo.customers[0]?.username ?? 'jane.doe'} --text "Hi"

    Press Ctrl-C to stop.
  └──────────────────────────────────────────────────────────────────┘
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
