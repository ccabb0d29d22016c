// Meta's side of the webhook contract, played against a callback URL: the verification GET that
// "Verify and save" sends, and event POSTs shaped like the App Dashboard's "Test" button. The
// webhook self-test points these at the app's own public URL, over real HTTP.
import { signWebhookBody } from './webhook-signature.ts';

/** The business account id in the App Dashboard's "Test" payload: a dummy no real account has. */
export const DASHBOARD_TEST_ACCOUNT_ID = '23245';
const DASHBOARD_TEST_SENDER_ID = '12334';

/**
 * A delivery in the shape Instagram Login's dashboard "Test" sends (reference §4.4): a `changes`
 * entry whose `messages` value is a messaging item, with Meta's dummy ids. Only the mid is ours,
 * unique per run, so every run is a new event rather than a redelivery of the last one.
 */
export function dashboardTestDelivery(mid: string, now = Date.now()): Buffer {
  const seconds = Math.floor(now / 1000);
  return Buffer.from(
    JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: '0',
          time: seconds,
          changes: [
            {
              field: 'messages',
              value: {
                sender: { id: DASHBOARD_TEST_SENDER_ID },
                recipient: { id: DASHBOARD_TEST_ACCOUNT_ID },
                timestamp: String(seconds),
                message: { mid, text: 'Webhook self-test' },
              },
            },
          ],
        },
      ],
    }),
  );
}

export interface ProbeAnswer {
  status: number;
  contentType: string | null;
  /** The start of the body: enough to explain a failure, never a whole page. */
  body: string;
  location: string | null;
}

export type Probe = { durationMs: number } & (
  | { answer: ProbeAnswer; error: null }
  | { answer: null; error: string }
);

const BODY_EXCERPT = 300;
// Identifies the self-test's requests in access logs and in the ledger's kept headers.
const USER_AGENT = 'instagram-inbox-webhook-self-test';

async function timed(url: URL, init: RequestInit, timeoutMs: number): Promise<Probe> {
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      ...init,
      // Meta does not follow redirects to a callback; neither does the test.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.text()).slice(0, BODY_EXCERPT);
    return {
      durationMs: durationMs(),
      error: null,
      answer: {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body,
        location: response.headers.get('location'),
      },
    };
  } catch (error) {
    return { durationMs: durationMs(), answer: null, error: describeNetworkError(error, timeoutMs) };
  }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** GET <callback>?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…, as Meta verifies a URL. */
export function probeVerification(
  callbackUrl: string,
  query: { verifyToken: string; challenge: string },
  timeoutMs: number,
): Promise<Probe> {
  const url = new URL(callbackUrl);
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.verify_token', query.verifyToken);
  url.searchParams.set('hub.challenge', query.challenge);
  return timed(url, { headers: { 'User-Agent': USER_AGENT } }, timeoutMs);
}

/** POST an event body, signed with `secret` as Meta signs it, or unsigned when `secret` is null. */
export function probeDelivery(
  callbackUrl: string,
  body: Buffer,
  secret: string | null,
  timeoutMs: number,
): Promise<Probe> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT };
  if (secret !== null) headers['X-Hub-Signature-256'] = signWebhookBody(body, secret);
  return timed(new URL(callbackUrl), { method: 'POST', headers, body: new Uint8Array(body) }, timeoutMs);
}
