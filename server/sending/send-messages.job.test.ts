import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './send-messages.job.ts';

const unavailable = { kind: 'unavailable', code: '2', reason: '' } as const;
const throttled = (retryAfterSeconds: number | null) =>
  ({ kind: 'throttled', code: '4', retryAfterSeconds }) as const;

describe('retryDelayMs', () => {
  it('doubles per attempt, with jitter in the upper half of each step', () => {
    expect(retryDelayMs(unavailable, 1, () => 0)).toBe(500);
    expect(retryDelayMs(unavailable, 1, () => 1)).toBe(1000);
    expect(retryDelayMs(unavailable, 3, () => 0)).toBe(2000);
    expect(retryDelayMs(unavailable, 3, () => 1)).toBe(4000);
  });

  it('is capped at five minutes', () => {
    expect(retryDelayMs(unavailable, 30, () => 1)).toBe(300_000);
  });

  it("never comes before Meta's retry hint", () => {
    expect(retryDelayMs(throttled(30), 1, () => 0)).toBe(30_000);
    expect(retryDelayMs(throttled(30), 1, () => 1)).toBe(30_250);
    expect(retryDelayMs(throttled(null), 2, () => 0)).toBe(1000);
  });
});
