// An operator who leaves a page before Realtime has connected: Phoenix's socket closes its
// WebSocket on `pagehide`, and Chromium reports a WebSocket closed while connecting as a console
// warning. The app's transport (closingOnceOpen) puts that close off until the connection opens.
// Both run in Chromium against a real server that holds each handshake until the test lets it go.
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Page } from '@playwright/test';
import { WebSocketServer } from 'ws';
import { closingOnceOpen } from '#app/lib/closing-once-open.ts';
import { expect, test } from './fixtures.ts';

/** A page and a WebSocket server whose handshakes wait for `letOneOpen()`. */
async function heldHandshakes() {
  const sockets = new WebSocketServer({ noServer: true });
  const held: (() => void)[] = [];
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html');
    response.end('<!doctype html><title>held handshakes</title>');
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    held.push(() => sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    socketUrl: url.replace('http', 'ws'),
    /** Completes the first waiting handshake, once it has arrived; resolves on the server's close. */
    async letOneOpen(): Promise<number> {
      await expect.poll(() => held.length).toBeGreaterThan(0);
      const closed = new Promise<number>((resolve) =>
        sockets.once('connection', (ws) => ws.once('close', (code) => resolve(code))),
      );
      held.shift()?.();
      return closed;
    },
    close: async () => {
      sockets.close();
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Opens a WebSocket from the page, with `closingOnceOpen` or plain, and closes it at once. */
async function openAndCloseAtOnce(page: Page, socketUrl: string, transport: 'closingOnceOpen' | 'plain') {
  await page.evaluate(
    ({ source, socketUrl, transport }) => {
      const factory = new Function(`return (${source})`)() as typeof closingOnceOpen;
      const Socket = transport === 'plain' ? WebSocket : factory(WebSocket);
      const socket = new Socket(socketUrl);
      const seen: string[] = [];
      // As Phoenix listens: through the handler properties, set after construction.
      socket.onopen = () => seen.push('open');
      socket.onclose = () => seen.push('close');
      socket.close();
      Object.assign(window, { seen, socket });
    },
    { source: closingOnceOpen.toString(), socketUrl, transport },
  );
}

test('a socket closed while connecting closes once open, without a warning and without its opener hearing of the opening', async ({
  page,
}) => {
  const server = await heldHandshakes();
  try {
    await page.goto(server.url);
    await openAndCloseAtOnce(page, server.socketUrl, 'closingOnceOpen');
    expect(await page.evaluate(() => (window as unknown as { socket: WebSocket }).socket.readyState)).toBe(0);
    // The page's close reaches the server as a normal close frame once the connection is up.
    expect(await server.letOneOpen()).toBe(1005);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen))
      .toEqual(['close']);
    // browserErrors (fixtures.ts) fails the test on Chromium's warning.
  } finally {
    await server.close();
  }
});

test('a plain WebSocket closed while connecting is what Chromium warns about', async ({
  page,
  browserErrors,
}) => {
  const server = await heldHandshakes();
  try {
    browserErrors.allow(/WebSocket is closed before the connection is established/);
    await page.goto(server.url);
    const warning = page.waitForEvent('console', (message) =>
      message.text().includes('WebSocket is closed before the connection is established'),
    );
    await openAndCloseAtOnce(page, server.socketUrl, 'plain');
    expect((await warning).type()).toBe('warning');
  } finally {
    await server.close();
  }
});
