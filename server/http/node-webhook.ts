// Meta's webhook POSTs served straight from Node's HTTP server, ahead of any framework: this is
// the endpoint Meta's bursts hit, and the same acceptDelivery() the Remix route calls does the
// work (see docs/decisions/005-webhook-fast-path.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  acceptDelivery,
  type EndpointAnswer,
  payloadTooLarge,
  type WebhookEndpointConfig,
  type WebhookLedger,
} from '../meta/webhook-endpoint.ts';

export const WEBHOOK_PATH = '/api/instagram/webhook';

export function isWebhookDelivery(req: IncomingMessage): boolean {
  return req.method === 'POST' && (req.url ?? '').split('?')[0] === WEBHOOK_PATH;
}

function send(res: ServerResponse, result: EndpointAnswer): void {
  res.writeHead(result.status, result.headers).end(result.body);
}

/** Reads at most `max` bytes; null when the body is larger (reading stops at once). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > max) return resolve(null);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function handleWebhookDelivery(
  req: IncomingMessage,
  res: ServerResponse,
  config: WebhookEndpointConfig,
  ledger: WebhookLedger,
): Promise<void> {
  try {
    const body = await readBody(req, config.maxBodyBytes);
    if (body === null) return send(res, payloadTooLarge(config));
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : null;
    };
    send(res, await acceptDelivery(body, header, config, ledger));
  } catch (error) {
    console.error('webhook: request failed', error);
    if (!res.headersSent) res.writeHead(500).end();
  }
}
