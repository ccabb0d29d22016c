// The HTTP calls senders make (Expo, FCM, Web Push): a bounded wait, and a failure told apart by
// whether the request can have reached the service. A connection never made is safe to retry; a
// call that timed out or broke after the request left may have been delivered.
import { isConnectFailure } from '../../http/connect-failure.ts';
import type { SendOutcome } from './sender.ts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export async function callService(
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string | Uint8Array<ArrayBuffer> },
  timeoutMs: number,
): Promise<HttpAnswer | Extract<SendOutcome, { kind: 'retry' | 'uncertain' }>> {
  try {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    const code = errorCode(error);
    if (isConnectFailure(code)) return { kind: 'retry', reason: `no connection (${code})` };
    return { kind: 'uncertain', reason: code ? `call failed (${code})` : 'call failed' };
  }
}

function errorCode(error: unknown): string | undefined {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = cause?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function isAnswer(value: HttpAnswer | SendOutcome): value is HttpAnswer {
  return 'status' in value;
}

/**
 * A provider's answer as JSON, or undefined when it is not JSON. Never throws: a throw would end
 * a sender mid-batch, and JSON.parse's message quotes the text, which may hold a token.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** 429 and 5xx: the service asks to be called again later. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Runs `work` over `items`, at most `limit` at a time, keeping their order. An item whose work
 * throws gets `ifThrown(error)` and the rest go on: a rejection would leave the other runners
 * calling unawaited and lose what they got (for a sender, notifications already sent).
 */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
  ifThrown: (error: unknown) => R,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        results[index] = ifThrown(error);
      }
    }
  });
  await Promise.all(runners);
  return results;
}
