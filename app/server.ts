// The production HTTP server (`npm run serve`, after `npm run build`): Remix for pages, the API
// and resource routes, with Meta's webhook POSTs and tRPC calls answered ahead of the framework.
import '#server/load-env-file.ts';
import { createServer } from 'node:http';
import path from 'node:path';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import express from 'express';
import { isTrpcCall, serveTrpcCall } from '#app/lib/node-trpc.server.ts';
import { untilReachable } from '#server/db/until-reachable.ts';
import { allowedMethods } from '#server/http/allowed-methods.ts';
import { drainHttpServer } from '#server/http/drain-http-server.ts';
import { handleWebhookDelivery, isWebhookDelivery } from '#server/http/node-webhook.ts';
import { requestGuard } from '#server/http/request-guard.ts';
import { closeBeforeExit, getServices } from '#server/services.ts';

const root = path.resolve(import.meta.dirname, '..');
// Validates the environment first: a bad variable stops the process here, naming it.
const services = getServices();
// The queue is started before the first webhook, not inside its transaction.
await untilReachable('inbox', () => services.queue());
const build = (await import(path.join(root, 'build/server/index.js'))) as ServerBuild;

const app = express();
app.disable('x-powered-by');
// First, so that no route sees a method the app does not serve (TRACE was a 500 from Remix).
app.use(allowedMethods);
// The client's address, headers, cross-site refusal and the body limit, before any route or file.
const guard = requestGuard(services.env);
app.use(guard);
// Vite fingerprints everything under /assets, so those files never change.
app.use('/assets', express.static(path.join(root, 'build/client/assets'), { immutable: true, maxAge: '1y' }));
app.use(express.static(path.join(root, 'build/client'), { maxAge: '1h' }));
app.all('*', createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = createServer((req, res) => {
  if (isWebhookDelivery(req))
    void handleWebhookDelivery(req, res, services.webhookEndpoint, services.webhookLedger);
  else if (isTrpcCall(req))
    allowedMethods(req, res, () =>
      guard(req, res, () =>
        serveTrpcCall(req, res, services).catch((error: unknown) => {
          console.error('tRPC call failed:', error);
          if (!res.headersSent) res.writeHead(500);
          res.end();
        }),
      ),
    );
  else app(req, res);
});

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
server.listen(port, host, () => console.log(`inbox: listening on http://${host}:${port}`));

// On SIGTERM (every deploy) or Ctrl-C: finish the requests in flight, then close the services and
// exit 0.
let stopping = false;
async function shutdown() {
  if (stopping) return; // a second signal changes nothing
  stopping = true;
  await drainHttpServer(server, 8000);
  await closeBeforeExit(services);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
