// The simulator's clock. Authorization codes, tokens, the refresh rule, rate limits and Meta's
// webhook unsubscribe rule are timed against it rather than Date.now(), so tests can jump an hour
// or sixty days ahead instead of waiting. It runs in real time from wherever it was last set or
// advanced to, unless frozen: a frozen clock moves only when told, so a test of a per-second
// limit does not depend on how fast the machine answers.

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  advance(ms: number): void;
  set(epochMs: number): void;
  /** Stops the clock where it is; `advance` and `set` still move it. */
  freeze(): void;
  /** Lets a frozen clock run in real time again, from where it stands. */
  resume(): void;
  frozen(): boolean;
}

export function createClock(): Clock {
  let offsetMs = 0;
  /** The reading while frozen; null while the clock runs. */
  let stoppedAt: number | null = null;
  const now = () => stoppedAt ?? Date.now() + offsetMs;
  return {
    now,
    advance(ms) {
      if (stoppedAt === null) offsetMs += ms;
      else stoppedAt += ms;
    },
    set(epochMs) {
      if (stoppedAt === null) offsetMs = epochMs - Date.now();
      else stoppedAt = epochMs;
    },
    freeze() {
      stoppedAt = now();
    },
    resume() {
      if (stoppedAt === null) return;
      offsetMs = stoppedAt - Date.now();
      stoppedAt = null;
    },
    frozen: () => stoppedAt !== null,
  };
}
