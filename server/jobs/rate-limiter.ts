// A token bucket per key (here: per Instagram account), so background calls to Meta stay within
// a budget and leave room for replies. In-process: each worker process gets its own budget.
export interface RateLimiter {
  /** Resolves when a call for `key` may go out. */
  take(key: string): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function createRateLimiter(options: {
  perSecond: number;
  burst?: number;
  clock?: Clock;
}): RateLimiter {
  const clock = options.clock ?? systemClock;
  const capacity = options.burst ?? options.perSecond;
  const buckets = new Map<string, { tokens: number; at: number }>();

  return {
    async take(key) {
      for (;;) {
        const t = clock.now();
        const bucket = buckets.get(key) ?? { tokens: capacity, at: t };
        bucket.tokens = Math.min(capacity, bucket.tokens + ((t - bucket.at) / 1000) * options.perSecond);
        bucket.at = t;
        buckets.set(key, bucket);
        if (bucket.tokens >= 1) {
          bucket.tokens -= 1;
          return;
        }
        await clock.sleep(Math.ceil(((1 - bucket.tokens) / options.perSecond) * 1000));
      }
    },
  };
}
