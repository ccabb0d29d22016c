// tRPC calls served straight from Node's HTTP server in production: after the method check and
// the request guard, like every request, but ahead of Express and Remix. A call is an API request;
// on the way through the framework Express looked for a static file of its path and Remix matched
// it against every route, about a sixth of a call's CPU in a profile at scale (decision 028). The
// dev server keeps the Remix route (app/routes/api.trpc.$.ts), which calls the same handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeReadableStreamToWritable } from '@remix-run/node';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { MAX_REQUEST_BODY_BYTES } from '#server/http/request-guard.ts';
import type { Services } from '#server/services.ts';
import { handleTrpcRequest, TRPC_ENDPOINT } from '#server/trpc/handler.ts';

export function isTrpcCall(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith(`${TRPC_ENDPOINT}/`);
}

export async function serveTrpcCall(
  req: IncomingMessage,
  res: ServerResponse,
  services: Services,
): Promise<void> {
  let request: Request;
  try {
    request = incomingMessageToRequest(req, res, { maxBodySize: MAX_REQUEST_BODY_BYTES });
  } catch {
    // A Host header no URL can be made of.
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: 'Bad request', reason: 'bad_request' }));
    return;
  }
  const response = await handleTrpcRequest(services, request);
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== 'set-cookie') res.setHeader(name, value);
  // A refreshed session's cookies, each its own header.
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
  // The project's patched writer waits for a slow client and stops when it leaves (live streams).
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
