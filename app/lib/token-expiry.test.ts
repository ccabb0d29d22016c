import { describe, expect, it } from 'vitest';
import { describeTokenExpiry } from './token-expiry.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(NOW + ms).toISOString();
const instagram = (tokenExpiresAt: string | null, status: 'CONNECTED' | 'NEEDS_REAUTH' = 'CONNECTED') =>
  describeTokenExpiry({ loginPath: 'instagram', status, tokenExpiresAt }, NOW);

describe('describeTokenExpiry', () => {
  it('counts whole days down for a fresh Instagram token', () => {
    expect(instagram(at(59 * DAY + 23 * HOUR))).toEqual({ tone: 'ok', text: 'Expires in 59 days' });
    expect(instagram(at(54 * DAY + 2 * HOUR))).toEqual({ tone: 'ok', text: 'Expires in 54 days' });
    expect(instagram(at(7 * DAY))).toEqual({ tone: 'ok', text: 'Expires in 7 days' });
  });

  it('warns under seven days, down to hours and minutes on the last day', () => {
    expect(instagram(at(7 * DAY - 1))).toEqual({ tone: 'warning', text: 'Expires in 6 days' });
    expect(instagram(at(DAY + HOUR))).toEqual({ tone: 'warning', text: 'Expires in 1 day' });
    expect(instagram(at(5 * HOUR + 59 * 60_000))).toEqual({ tone: 'warning', text: 'Expires in 5 hours' });
    expect(instagram(at(90_000))).toEqual({ tone: 'warning', text: 'Expires in 1 minute' });
  });

  it('says when a token has expired, or Meta refused it early', () => {
    expect(instagram(at(-3 * DAY - HOUR), 'NEEDS_REAUTH')).toEqual({
      tone: 'expired',
      text: 'Expired 3 days ago',
    });
    expect(instagram(at(-1000))).toEqual({ tone: 'expired', text: 'Expired just now' });
    expect(instagram(at(40 * DAY), 'NEEDS_REAUTH')).toEqual({
      tone: 'expired',
      text: 'Refused by Meta before it expired',
    });
  });

  it('knows Page tokens do not expire, and has nothing to say once disconnected', () => {
    expect(
      describeTokenExpiry({ loginPath: 'facebook', status: 'CONNECTED', tokenExpiresAt: null }, NOW),
    ).toEqual({ tone: 'ok', text: 'Page token, does not expire' });
    expect(
      describeTokenExpiry({ loginPath: 'instagram', status: 'DISCONNECTED', tokenExpiresAt: null }, NOW),
    ).toBeNull();
    expect(instagram(null)).toEqual({
      tone: 'warning',
      text: 'Expiry unknown: reconnect to renew the token',
    });
  });
});
