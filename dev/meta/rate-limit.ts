// Meta's per-account call limits (§5.6) as token buckets: each holds one period's worth of calls
// (a second unless said otherwise; an hour for private replies) and refills continuously, so a
// burst of `limit` calls passes and the rest are refused until time on the simulator clock has
// refilled the bucket.

export type RateLimiter = ReturnType<typeof createRateLimiter>;

export function createRateLimiter(now: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes one call from the bucket `key`, which allows `limit` calls per `periodMs`; false when it is empty. */
    take(key: string, limit: number, periodMs = 1000): boolean {
      const at = now();
      const bucket = buckets.get(key) ?? { tokens: limit, at };
      // A clock set backwards refills nothing (and takes nothing away).
      bucket.tokens = Math.min(limit, bucket.tokens + (Math.max(0, at - bucket.at) / periodMs) * limit);
      bucket.at = at;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    /** Every bucket full again (after the limits change). */
    reset(): void {
      buckets.clear();
    },
  };
}
