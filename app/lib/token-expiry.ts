// What an account's token expiry means to an operator. Instagram Login tokens last 60 days and are
// refreshed on a schedule a month before they expire, so one with under a week left means the
// refresh keeps failing; Page tokens from Facebook Login do not expire.
import { relativeTime } from './relative-time.ts';

const DAY = 24 * 60 * 60 * 1000;
/** Under this much left, the screen warns: the scheduled refresh has failed for weeks. */
const EXPIRY_WARNING_MS = 7 * DAY;

export interface TokenExpiryInput {
  loginPath: 'instagram' | 'facebook';
  status: 'CONNECTED' | 'NEEDS_REAUTH' | 'DISCONNECTED';
  tokenExpiresAt: string | null;
}

export type TokenExpiry =
  | { tone: 'ok' | 'warning' | 'expired'; text: string }
  /** A disconnected account has no token left to describe. */
  | null;

export function describeTokenExpiry(account: TokenExpiryInput, now: number): TokenExpiry {
  if (account.status === 'DISCONNECTED') return null;
  if (account.tokenExpiresAt === null) {
    return account.loginPath === 'facebook'
      ? { tone: 'ok', text: 'Page token, does not expire' }
      : { tone: 'warning', text: 'Expiry unknown: reconnect to renew the token' };
  }
  const left = Date.parse(account.tokenExpiresAt) - now;
  const when = relativeTime(account.tokenExpiresAt, now, 'day');
  if (left <= 0) return { tone: 'expired', text: `Expired ${when}` };
  // Meta refused it before its time (revoked, password changed): the countdown means nothing now.
  if (account.status === 'NEEDS_REAUTH')
    return { tone: 'expired', text: 'Refused by Meta before it expired' };
  return { tone: left < EXPIRY_WARNING_MS ? 'warning' : 'ok', text: `Expires ${when}` };
}
