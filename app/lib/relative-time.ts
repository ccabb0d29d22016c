// "3 minutes ago", "in 54 days": times as operators say them. English, like the rest of the UI;
// the exact time is always one hover away (callers put it in a title).
import { useEffect, useState } from 'react';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * DAY],
  ['month', 30 * DAY],
  ['week', 7 * DAY],
  ['day', DAY],
  ['hour', HOUR],
  ['minute', MINUTE],
];

const phrase = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/**
 * `iso` relative to `now`, in the largest whole unit up to `largest` (a countdown in days reads
 * "in 54 days", not "in 2 months"). Whole units are counted down, never rounded up: a token with
 * 6 days 23 hours left "expires in 6 days".
 */
export function relativeTime(
  iso: string,
  now: number,
  largest: Intl.RelativeTimeFormatUnit = 'year',
): string {
  const ms = Date.parse(iso) - now;
  const units = UNITS.slice(UNITS.findIndex(([unit]) => unit === largest));
  for (const [unit, size] of units) {
    const value = Math.trunc(ms / size);
    if (value !== 0) return phrase.format(value, unit);
  }
  return 'just now';
}

const exact = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** The full date and time, for titles beside a relative time. */
export function exactTime(iso: string): string {
  return exact.format(new Date(iso));
}

/** The current time, updated every `everyMs`, so relative times on screen move on. */
export function useNow(everyMs = MINUTE): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
