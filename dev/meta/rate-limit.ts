// Meta's per-account call limits (§5.6) as token buckets: each holds one second's worth of calls
// and refills continuously, so a burst of `perSecond` calls passes and the rest are refused until
// time on the simulator clock has refilled the bucket.

export type RateLimiter = ReturnType<typeof createRateLimiter>;

export function createRateLimiter(now: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes one call from the bucket `key`; false when it is empty. */
    take(key: string, perSecond: number): boolean {
      const at = now();
      const bucket = buckets.get(key) ?? { tokens: perSecond, at };
      // A clock set backwards refills nothing (and takes nothing away).
      bucket.tokens = Math.min(perSecond, bucket.tokens + (Math.max(0, at - bucket.at) / 1000) * perSecond);
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
