// The HTTP methods the app serves, enforced in front of everything (the production server in
// app/server.ts and the dev server in vite.config.ts). Every route answers GET and HEAD (loaders)
// or POST (forms, actions, tRPC, Meta's webhooks); nothing takes another method. Past this point
// another method fails: Remix turns the Node request into a Fetch API Request, which refuses TRACE
// outright (a TypeError the adapters answer with 500), and its router runs actions for PUT, PATCH
// and DELETE as if they were POSTs and answers the rest 405 without `Allow`.
import type { IncomingMessage, ServerResponse } from 'node:http';

const ALLOWED_METHODS = ['GET', 'HEAD', 'POST'];
const ALLOW = ALLOWED_METHODS.join(', ');

/** Connect-style middleware: OPTIONS is told what is allowed, any other method refused with 405. */
export function allowedMethods(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const method = req.method ?? '';
  if (ALLOWED_METHODS.includes(method)) next();
  else res.writeHead(method === 'OPTIONS' ? 204 : 405, { Allow: ALLOW }).end();
}
