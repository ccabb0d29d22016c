import { describe, expect, it } from 'vitest';
import { type Clock, createRateLimiter } from './rate-limiter.ts';

/** A clock that only moves when someone sleeps, so the test measures the limiter, not the machine. */
function fakeClock(): Clock & { elapsed: () => number } {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    elapsed: () => t,
  };
}

describe('createRateLimiter', () => {
  it('lets a burst through, then spaces calls at the configured rate', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 20, burst: 2, clock });
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await limiter.take('account-a');
      times.push(clock.elapsed());
    }
    expect(times).toEqual([0, 0, 50, 100, 150, 200]);
  });

  it('gives every key its own budget', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ perSecond: 1, burst: 1, clock });
    await limiter.take('a');
    await limiter.take('b');
    expect(clock.elapsed()).toBe(0);
    await limiter.take('a');
    expect(clock.elapsed()).toBe(1000);
  });
});
