import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.ts';

describe('rate limiter', () => {
  it('lets a second’s worth through, then one call per refilled share of a second', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter(() => now);
    const takes = (count: number) => Array.from({ length: count }, () => limiter.take('a', 2));
    expect(takes(3)).toEqual([true, true, false]);
    now += 499;
    expect(limiter.take('a', 2)).toBe(false);
    now += 1;
    expect(takes(2)).toEqual([true, false]);
    // A long pause refills one second's worth, not more.
    now += 60_000;
    expect(takes(3)).toEqual([true, true, false]);
  });

  it('keeps one bucket per key, refills nothing when the clock goes back, and resets', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter(() => now);
    expect([limiter.take('a', 1), limiter.take('a', 1), limiter.take('b', 1)]).toEqual([true, false, true]);
    now -= 10_000;
    expect(limiter.take('a', 1)).toBe(false);
    now += 1000;
    expect(limiter.take('a', 1)).toBe(true);
    limiter.reset();
    expect(limiter.take('b', 1)).toBe(true);
  });

  it('holds a longer period’s worth when given one (750 an hour refill one every 4.8 s)', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter(() => now);
    const hour = 60 * 60 * 1000;
    const takes = (count: number) => Array.from({ length: count }, () => limiter.take('a', 750, hour));
    expect(takes(750).every(Boolean)).toBe(true);
    expect(limiter.take('a', 750, hour)).toBe(false);
    now += 4790;
    expect(limiter.take('a', 750, hour)).toBe(false);
    now += 20;
    expect(takes(2)).toEqual([true, false]);
  });
});
