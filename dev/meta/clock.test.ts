import { describe, expect, it } from 'vitest';
import { createClock } from './clock.ts';

const HOUR = 60 * 60 * 1000;

describe('simulator clock', () => {
  it('stands still while frozen, moving only when advanced or set', async () => {
    const clock = createClock();
    clock.freeze();
    const frozenAt = clock.now();
    expect(clock.frozen()).toBe(true);
    // Real time passes (a macrotask at least); the frozen reading does not.
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.now()).toBe(frozenAt);
    clock.advance(HOUR);
    expect(clock.now()).toBe(frozenAt + HOUR);
    clock.set(Date.UTC(2030, 0, 1));
    expect(clock.now()).toBe(Date.UTC(2030, 0, 1));
  });

  it('runs on from where it stood once resumed', () => {
    const clock = createClock();
    clock.freeze();
    clock.set(Date.UTC(2030, 0, 1));
    clock.resume();
    expect(clock.frozen()).toBe(false);
    const reading = clock.now();
    expect(reading).toBeGreaterThanOrEqual(Date.UTC(2030, 0, 1));
    expect(reading - Date.UTC(2030, 0, 1)).toBeLessThan(5000);
  });
});
