// Meta's webhook sender as it behaves against a server in trouble, for fault tests and benchmarks:
// a fixed number of deliveries (one customer message each), a fixed number of POSTs in flight,
// and every delivery that is not answered 200 (another status, a refused or cut connection, a
// timeout) sent again, byte for byte, after a growing wait, until it is. Every attempt is
// recorded with when it was sent and answered, so a test can line the answers up against the
// moment a fault began and ended.
//
// Unlike the simulator's webhook sender (dev/meta/webhook-delivery.ts), which batches events and
// gives up after Meta's retry schedule, this one never gives up and keeps the history of each
// attempt: "acknowledged" then means exactly the deliveries answered 200.
import { seededRandom } from './meta/random.ts';
import { signedTextDelivery, type TextDelivery } from './webhook-deliveries.ts';

export interface FloodOptions {
  /** The webhook endpoint, `…/api/instagram/webhook`. */
  url: string;
  /** The app secret the deliveries are signed with. */
  secret: string;
  /** The business account (IG_ID) every message is written to. */
  account: string;
  /** Customer ids (IGSID) the messages come from, picked at random. */
  customers: readonly string[];
  deliveries: number;
  /** POSTs in flight at once (Meta: up to 50 here). */
  inFlight?: number;
  /** Names the run's message ids (`aWdf_<label>_<n>`), so several floods can share a database. */
  label: string;
  /** Seeds the choice of customers and the jitter of the retry waits. */
  seed?: number;
  /** Wait before the first retry, doubling up to `maxMs`, each drawn between half and 1.5 times that. */
  backoff?: { firstMs: number; maxMs: number };
  /** An attempt without an answer by then counts as failed (and is retried). */
  timeoutMs?: number;
}

/** One POST of a delivery. Times are `performance.now()` of this process. */
export interface FloodAttempt {
  delivery: number;
  sentAt: number;
  answeredAt: number;
  /** The HTTP status, or 0 when no answer came (connection refused or cut, timeout). */
  status: number;
  retryAfter: string | null;
}

export interface WebhookFlood {
  /** Every attempt so far, in the order they were answered. */
  readonly attempts: readonly FloodAttempt[];
  /** Message ids of the deliveries answered 200, in that order. */
  readonly acked: readonly string[];
  /** Resolves once `count` deliveries have been answered 200. */
  whenAcked(count: number): Promise<void>;
  /** Resolves once every delivery has been answered 200 (or the flood was stopped). */
  readonly done: Promise<void>;
  /** Stops sending: attempts in flight are abandoned, nothing more is sent. */
  stop(): void;
}

export function startWebhookFlood(options: FloodOptions): WebhookFlood {
  const { url, secret, account, customers, deliveries, label } = options;
  const inFlight = options.inFlight ?? 50;
  const { firstMs, maxMs } = options.backoff ?? { firstMs: 100, maxMs: 1000 };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const random = seededRandom(options.seed ?? 1);
  const attempts: FloodAttempt[] = [];
  const acked: string[] = [];
  const ackWaiters: { count: number; resolve(): void }[] = [];
  const stopping = new AbortController();
  let next = 0;

  function delivery(index: number): TextDelivery {
    const customer = customers[Math.floor(random.next() * customers.length)] as string;
    const mid = `aWdf_${label}_${index}`;
    return signedTextDelivery({ account, customer, text: `Message ${index} of ${label}`, secret, mid });
  }

  async function attempt(index: number, { body, signature }: TextDelivery): Promise<FloodAttempt> {
    const sentAt = performance.now();
    let status = 0;
    let retryAfter: string | null = null;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature },
        body,
        signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs)]),
      });
      await response.arrayBuffer();
      status = response.status;
      retryAfter = response.headers.get('retry-after');
    } catch {
      // No answer: refused, cut off or timed out. Meta retries those like any failure.
    }
    return { delivery: index, sentAt, answeredAt: performance.now(), status, retryAfter };
  }

  /** Waits between retries, each cut short by stop(). */
  const waiting = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiting.add(wake);
    });

  /** One of the `inFlight` senders: takes the next delivery, and sends it until it is acknowledged. */
  async function lane(): Promise<void> {
    while (next < deliveries && !stopping.signal.aborted) {
      const index = next++;
      const prepared = delivery(index);
      for (let failures = 0; !stopping.signal.aborted; failures++) {
        const result = await attempt(index, prepared);
        if (stopping.signal.aborted) return;
        attempts.push(result);
        if (result.status === 200) {
          acked.push(prepared.mid);
          releaseAckWaiters();
          break;
        }
        const wait = Math.min(maxMs, firstMs * 2 ** failures) * (0.5 + random.next());
        await pause(wait);
      }
    }
  }

  function releaseAckWaiters(): void {
    for (const waiter of [...ackWaiters]) {
      if (acked.length >= waiter.count || stopping.signal.aborted) {
        ackWaiters.splice(ackWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  const done = Promise.all(Array.from({ length: inFlight }, lane)).then(() => {
    // A waiter for more than will ever be acknowledged must not hang.
    for (const waiter of ackWaiters.splice(0)) waiter.resolve();
  });

  return {
    attempts,
    acked,
    whenAcked(count) {
      return new Promise((resolve) => {
        ackWaiters.push({ count, resolve });
        releaseAckWaiters();
      });
    },
    done,
    stop() {
      stopping.abort();
      for (const wake of [...waiting]) wake();
      releaseAckWaiters();
    },
  };
}

/** Attempts by status (0: no answer), as `503 ×12, 200 ×3`, most frequent first. */
export function statusCounts(attempts: readonly FloodAttempt[]): string {
  const counts = new Map<number, number>();
  for (const { status } of attempts) counts.set(status, (counts.get(status) ?? 0) + 1);
  return (
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([status, n]) => `${status === 0 ? 'no answer' : status} ×${n}`)
      .join(', ') || 'none'
  );
}
