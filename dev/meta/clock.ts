// The simulator's clock. Authorization codes, tokens and the refresh rule are timed against it
// rather than Date.now(), so tests can jump an hour or sixty days ahead instead of waiting.
// It runs in real time from wherever it was last set or advanced to.

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  advance(ms: number): void;
  set(epochMs: number): void;
}

export function createClock(): Clock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance(ms) {
      offsetMs += ms;
    },
    set(epochMs) {
      offsetMs = epochMs - Date.now();
    },
  };
}
