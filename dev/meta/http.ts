// The simulator's single HTTP server. Each API (Graph, OAuth, control, chat page, and later
// the Send API) is a route module tried in turn; the first to answer wins.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Answers the requests it owns and returns undefined for the rest. */
export type Route = (request: SimRequest) => Promise<SimResponse | undefined> | SimResponse | undefined;

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export function jsonResponse(status: number, value: unknown): SimResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

/** Parses a JSON or form-encoded body into an object; empty bodies give {}. */
export function parseBody(request: SimRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  const type = request.headers['content-type'] ?? '';
  const text = request.body.toString('utf8');
  if (type.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SyntaxError('the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export async function startHttpServer(port: number, routes: () => readonly Route[]): Promise<HttpServer> {
  let origin = '';
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          res.writeHead(413, { 'Content-Type': 'application/json' }).end('{"error":"body too large"}');
          return;
        }
        chunks.push(chunk);
      }
      const request: SimRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', origin),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      let response: SimResponse | undefined;
      for (const route of routes()) {
        response = await route(request);
        if (response) break;
      }
      response ??= jsonResponse(404, { error: `nothing at ${request.method} ${request.url.pathname}` });
      res.writeHead(response.status, response.headers).end(response.body);
    } catch (error) {
      console.error('meta simulator: request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
