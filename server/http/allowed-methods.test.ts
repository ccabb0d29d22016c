// The dev server (`npm start`: Vite with the Remix plugin, from vite.config.ts) refuses the
// methods the app does not serve before Remix sees them, as the production server does
// (e2e/http-methods.spec.ts). TRACE was a 500 there too: Remix could not make a Request of it.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
let vite: ViteDevServer;
let port: number;

beforeAll(async () => {
  vite = await createServer({
    root: ROOT,
    configFile: path.join(ROOT, 'vite.config.ts'),
    server: { port: 0, host: '127.0.0.1' },
    logLevel: 'silent',
  });
  await vite.listen();
  const address = vite.httpServer?.address() as AddressInfo;
  port = address.port;
});
afterAll(() => vite?.close());

/** Status and Allow header of a bodiless request (node:http: fetch() refuses to send TRACE). */
function send(method: string, route: string): Promise<[number | undefined, string | undefined]> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: route, method }, (response) => {
      response.resume();
      resolve([response.statusCode, response.headers.allow]);
    })
      .on('error', reject)
      .end();
  });
}

const ROUTES = ['/', '/sign-in', '/api/instagram/webhook', '/api/trpc/inbox.listConversations'];

test.each([
  ['TRACE', 405],
  ['PROPFIND', 405],
  ['PUT', 405],
  ['DELETE', 405],
  ['OPTIONS', 204],
])('%s answers %i with Allow on every route', async (method, status) => {
  for (const route of ROUTES) {
    expect([route, ...(await send(method, route))]).toEqual([route, status, 'GET, HEAD, POST']);
  }
});
