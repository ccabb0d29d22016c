// `npm start`: the whole product on one machine. Starts embedded PostgreSQL, the Supabase
// stand-in, the Meta simulator, the app (Vite dev server) and the background workers, seeds a
// demo operator with a connected Instagram account, and prints where to go.
// Meta credentials given in .env (or the environment) are the ones the app and the simulator use,
// so the owner's guide (webhook handshake and test POST with curl) works against it.
// Ctrl-C stops everything in order; a cluster orphaned by a hard kill is stopped on the next start.
import '#server/load-env-file.ts';
import { readdir } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import path from 'node:path';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import express from 'express';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { parseEnv } from '#server/env.ts';
import { drainHttpServer } from '#server/http/drain-http-server.ts';
import { getServices, type Services } from '#server/services.ts';
import { startWorkers, type Workers } from '#server/worker.ts';
import { localDataDir } from './local-data-dir.ts';
import { metaAppCredentialsFrom } from './meta/app-credentials.ts';
import { writeSimulatorFile } from './meta/simulator-file.ts';
import { freePort, isPortFree } from './postgres.ts';
import { DEMO_OPERATOR, playDemoConversations, seedDemo } from './seed.ts';
import { startLocalStack } from './stack.ts';

const startedAt = performance.now();
const step = (message: string) => console.log(`  ${message}`);
const metaApp = metaAppCredentialsFrom(process.env);

console.log('\nStarting the local stack…');
const stack = await startLocalStack({
  dataDir: localDataDir(),
  metaApp: metaApp.credentials,
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error); // says what to do; no stack trace
  process.exit(1);
});
step(`PostgreSQL 17     ${stack.env.DATABASE_URL?.replace(/:[^:@/]+@/, ':•••@')}`);
step(`Supabase (local)  ${stack.supabase.url}`);
step(`Meta simulator    ${stack.meta.url}`);
step(`Push services     ${stack.push.url} (APNs ${stack.push.apnsUrl})`);
if (metaApp.given.length > 0)
  step(`Meta app          ${metaApp.given.join(', ')} from .env or the environment`);

/**
 * Compiles every page for the browser and the server before saying "ready", so the operator's
 * first visit to each screen is as quick as the next (Vite otherwise compiles on first request).
 */
async function compilePages(server: ViteDevServer) {
  const app = path.resolve(import.meta.dirname, '..', 'app');
  const routes = (await readdir(path.join(app, 'routes'))).map((file) => `routes/${file}`);
  const modules = ['root.tsx', ...routes].map((file) => `/app/${file}`);
  await Promise.all(
    modules.flatMap((url) => [server.warmupRequest(url), server.warmupRequest(url, { ssr: true })]),
  );
}

/**
 * The app in development: Vite (modules, HMR) in front of Remix, on a server of our own rather
 * than Vite's, which would cut the requests in flight on Ctrl-C and, on SIGTERM, exit before
 * PostgreSQL is stopped.
 */
async function startDevServer(port: number): Promise<{ http: Server; vite: ViteDevServer }> {
  const http = createHttpServer();
  const vite = await createViteServer({ server: { middlewareMode: true, hmr: { server: http } } });
  const app = express();
  app.disable('x-powered-by');
  app.use(vite.middlewares); // the request guard (vite.config.ts), then Vite's own
  app.all(
    '*',
    createRequestHandler({
      build: () => vite.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>,
      mode: 'development',
    }),
  );
  http.on('request', app);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => resolve());
  });
  return { http, vite };
}

let http: Server | undefined;
let vite: ViteDevServer | undefined;
let services: Services | undefined;
let workers: Workers | undefined;
let stopping = false;
/** Stops what depends on the database before the database: no connection outlives it. */
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await workers?.stop().catch(() => {});
  await vite?.ws.close().catch(() => {}); // an open page's HMR socket would hold the drain open
  if (http) await drainHttpServer(http, 3000);
  await vite?.close().catch(() => {});
  await services?.close().catch(() => {});
  await stack.stop().catch((error: unknown) => console.error(error));
  console.log(code === 0 ? 'Stopped.' : 'Stopped after an error.');
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('SIGHUP', () => void stop(0));

try {
  const port = Number(process.env.PORT) || ((await isPortFree(3000)) ? 3000 : await freePort());
  const url = `http://127.0.0.1:${port}`;
  Object.assign(process.env, { NODE_ENV: 'development', ...stack.env, APP_URL: url });
  parseEnv(process.env); // refuse to start on a bad configuration, naming the variable
  const demo = await seedDemo(stack);

  ({ http, vite } = await startDevServer(port));
  await compilePages(vite);
  // The same services the app's routes use inside Vite (one pool, one queue client per process).
  services = getServices();
  workers = await startWorkers(services);
  const webhookUrl = `${url}/api/instagram/webhook`;
  stack.meta.setWebhookUrl(webhookUrl);
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

    API (tRPC)      ${url}/api/trpc
    API docs        ${url}/api/docs   (signing in, tokens: ${url}/api/docs/auth)
    Auth            ${stack.supabase.url}/auth/v1   (SUPABASE_URL for supabase-js: ${stack.supabase.url})
    Anon key        ${stack.supabase.anonKey}

    Webhook URL     ${webhookUrl}
    Verify token    ${stack.metaApp.verifyToken}
    Sign a POST     npm run -s meta -- sign --body '<JSON body>'   (for a hand-made webhook)

    Be a customer   ${stack.meta.url}/chat   (writes to @${demo.account.username})
    Or from a shell npm run meta -- send --account ${demo.account.username} --customer ${demo.customers[0]?.username ?? 'jane.doe'} --text "Hi"

    Press Ctrl-C to stop.
  └──────────────────────────────────────────────────────────────────┘
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
