import type { Server } from 'node:http';

/**
 * Stops an HTTP server the way a deploy or Ctrl-C should: no new connections, idle keep-alive
 * connections closed, and the requests in flight (a webhook being stored, a reply being queued)
 * allowed to finish. Live streams would hold the drain open for good, so after `boundMs` whatever
 * is still open is cut; their clients resume elsewhere from their last event id.
 */
export async function drainHttpServer(server: Server, boundMs: number): Promise<void> {
  if (!server.listening) return;
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), boundMs);
  await drained;
  clearTimeout(cut);
}
