import { describe, expect, it } from 'vitest';
import { relativeTime } from './relative-time.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('relativeTime', () => {
  it('says the largest whole unit, past or future', () => {
    expect(relativeTime(ago(20_000), NOW)).toBe('just now');
    expect(relativeTime(ago(3 * MINUTE + 59_000), NOW)).toBe('3 minutes ago');
    expect(relativeTime(ago(2 * 60 * MINUTE), NOW)).toBe('2 hours ago');
    expect(relativeTime(ago(DAY), NOW)).toBe('1 day ago');
    expect(relativeTime(ago(15 * DAY), NOW)).toBe('2 weeks ago');
    expect(relativeTime(ago(-40 * DAY), NOW)).toBe('in 1 month');
  });

  it('stops at the largest unit asked for', () => {
    expect(relativeTime(ago(-54 * DAY - 5 * 60 * MINUTE), NOW, 'day')).toBe('in 54 days');
    expect(relativeTime(ago(400 * DAY), NOW, 'day')).toBe('400 days ago');
  });
});
