// Meta's webhook callback over HTTP: the verification handshake (GET) and signed event delivery
// (POST). Nothing is acknowledged before it is durably in the ledger.
import { timingSafeEqual } from 'node:crypto';
import { AppError, TRY_AGAIN_LATER } from '../errors.ts';
import { readBodyWithLimit } from '../http/read-body.ts';
import { checkWebhookSignature } from './webhook-signature.ts';

export interface IncomingWebhook {
  rawBody: Buffer;
  /** The headers worth keeping for audit and replay (never credentials). */
  headers: Record<string, string>;
  object: string | null;
}

/** Where accepted deliveries go: the ingest slice's ledger implements it. */
export interface WebhookLedger {
  /** Resolves with the ledger id once the event is durably stored, rejects if it could not be. */
  append(webhook: IncomingWebhook): Promise<string>;
}

export interface WebhookEndpointConfig {
  verifyToken: string;
  secrets: readonly string[];
  maxBodyBytes: number;
}

const KEPT_HEADERS = ['content-type', 'user-agent', 'x-hub-signature-256', 'x-forwarded-for'];

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  });
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** GET: echo hub.challenge as plain text for a subscribe request carrying our verify token. */
export function answerVerification(url: URL, config: Pick<WebhookEndpointConfig, 'verifyToken'>): Response {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token') ?? '';
  const challenge = url.searchParams.get('hub.challenge');
  if (mode !== 'subscribe' || !sameSecret(token, config.verifyToken)) return text(403, 'Forbidden');
  if (!challenge) return text(400, 'hub.challenge is required');
  return text(200, challenge);
}

export interface EndpointAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): EndpointAnswer => ({
  status,
  body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json', ...headers },
});

export function payloadTooLarge(config: Pick<WebhookEndpointConfig, 'maxBodyBytes'>): EndpointAnswer {
  return answer(413, { error: `Request body exceeds ${config.maxBodyBytes} bytes` });
}

/**
 * POST, whatever the HTTP server: signature over the raw bytes, JSON check, durable write, then
 * 200. The size limit is the transport's job (it must stop reading early).
 */
export async function acceptDelivery(
  rawBody: Buffer,
  header: (name: string) => string | null,
  config: WebhookEndpointConfig,
  ledger: WebhookLedger,
): Promise<EndpointAnswer> {
  const signature = checkWebhookSignature(rawBody, header('x-hub-signature-256'), config.secrets);
  if (!signature.valid) {
    return signature.reason === 'missing'
      ? answer(401, { error: 'X-Hub-Signature-256 header is required' })
      : answer(403, { error: 'X-Hub-Signature-256 does not match the body' });
  }

  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return answer(400, { error: 'Body is not valid JSON' });
  }

  const headers = Object.fromEntries(
    KEPT_HEADERS.flatMap((name) => {
      const value = header(name);
      return value === null ? [] : [[name, value]];
    }),
  );
  const object =
    typeof payload === 'object' &&
    payload !== null &&
    'object' in payload &&
    typeof payload.object === 'string'
      ? payload.object
      : null;

  try {
    await ledger.append({ rawBody, headers, object });
  } catch (error) {
    // Meta retries non-2xx deliveries; answering 200 here would lose the event. One line: while
    // the database is away this is every delivery, and a stack and an error dump each (26 lines)
    // buried the rest of the log.
    console.error(
      `webhook: could not store the delivery, answered 503 (${error instanceof Error ? error.message : String(error)})`,
    );
    return answer(503, { error: 'Temporarily unable to store the event; retry later' }, TRY_AGAIN_LATER);
  }
  return answer(200, { received: true });
}

/** POST through a fetch-style server (the Remix route). */
export async function receiveDelivery(
  request: Request,
  config: WebhookEndpointConfig,
  ledger: WebhookLedger,
): Promise<Response> {
  let result: EndpointAnswer;
  try {
    const rawBody = await readBodyWithLimit(request, config.maxBodyBytes);
    result = await acceptDelivery(rawBody, (name) => request.headers.get(name), config, ledger);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'PAYLOAD_TOO_LARGE')) throw error;
    result = payloadTooLarge(config);
  }
  return new Response(result.body, { status: result.status, headers: result.headers });
}
