// A stand-in for the app's webhook endpoint, for tests and benchmarks of the simulator: records
// every POST with its raw bytes and answers with whatever status the caller chooses.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MessagingItem {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number | string;
  [event: string]: unknown;
}

export interface WebhookEntry {
  id: string;
  time: number;
  messaging?: MessagingItem[];
  standby?: MessagingItem[];
  changes?: { field: string; value: Record<string, unknown> }[];
}

export interface WebhookBody {
  object: string;
  entry: WebhookEntry[];
}

export interface ReceivedPost {
  raw: Buffer;
  body: WebhookBody;
  headers: IncomingHttpHeaders;
}

/** Status to answer the n-th POST (0-based) with, or 'hang' to never answer. */
export type Responder = (post: ReceivedPost, index: number) => number | 'hang';

export interface WebhookReceiver {
  url: string;
  posts: ReceivedPost[];
  respondWith(responder: Responder): void;
  /** Resolves once `count` POSTs have arrived. */
  waitForPosts(count: number, timeoutMs?: number): Promise<ReceivedPost[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(responder: Responder = () => 200): Promise<WebhookReceiver> {
  const posts: ReceivedPost[] = [];
  let respond = responder;
  let waiters: { count: number; resolve: () => void }[] = [];

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const raw = Buffer.concat(chunks);
    const post: ReceivedPost = {
      raw,
      body: JSON.parse(raw.toString('utf8')) as WebhookBody,
      headers: req.headers,
    };
    posts.push(post);
    const status = respond(post, posts.length - 1);
    waiters = waiters.filter((waiter) => {
      if (posts.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
    if (status !== 'hang') res.writeHead(status, { 'Content-Type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/meta`,
    posts,
    respondWith(next) {
      respond = next;
    },
    waitForPosts(count, timeoutMs = 5000) {
      if (posts.length >= count) return Promise.resolve(posts.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} webhook POSTs, got ${posts.length}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(posts.slice());
          },
        });
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
