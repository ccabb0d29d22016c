// The time window the Health screen shows: whole buckets aligned to the clock (minutes of the last
// hour, hours of the last day), the last one holding `now`, so a bucket means the same minute or
// hour on every refresh and the first one is never cut short.
export type HealthRange = 'hour' | 'day';

const RANGES: Record<HealthRange, { bucketSeconds: number; buckets: number }> = {
  hour: { bucketSeconds: 60, buckets: 60 },
  day: { bucketSeconds: 3600, buckets: 24 },
};

export interface HealthWindow {
  /** Start of the first bucket (inclusive). */
  from: Date;
  /** End of the last bucket (exclusive), the first bucket boundary after `now`. */
  to: Date;
  bucketSeconds: number;
}

export function healthWindow(range: HealthRange, now: Date): HealthWindow {
  const { bucketSeconds, buckets } = RANGES[range];
  const bucketMs = bucketSeconds * 1000;
  const to = (Math.floor(now.getTime() / bucketMs) + 1) * bucketMs;
  return { from: new Date(to - buckets * bucketMs), to: new Date(to), bucketSeconds };
}
