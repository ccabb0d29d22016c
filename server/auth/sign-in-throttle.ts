// Password guessing, slowed down where the app can see it: every sign-in reaches Supabase Auth
// from this server, so Auth's own per-IP limit sees one address for everyone. Failures are
// counted per account (the email) and per client address, in Postgres
// (private.sign_in_attempts) so that every app process counts together; the counting is
// rate-limiter-flexible's, the pattern its authors give for login endpoints: check before trying,
// count each wrong password, forget an account's count once it signs in.
//
// An account is locked for everyone, its owner included, while someone guesses at it; that is the
// price of stopping a guesser who spreads over many addresses, and the lock lifts by itself.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { CompiledQuery } from 'kysely';
import { RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '../db/database.ts';

export interface SignInLimits {
  /** Wrong passwords for one account within `windowSeconds` before it is locked for the rest of it. */
  perAccount: number;
  /** Wrong passwords from one address (an office shares one) within `windowSeconds`. */
  perAddress: number;
  windowSeconds: number;
  /** Sign-ups from one address within `signUpWindowSeconds` (each creates an account). */
  signUpsPerAddress: number;
  signUpWindowSeconds: number;
}

export const SIGN_IN_LIMITS: SignInLimits = {
  perAccount: 10,
  perAddress: 50,
  windowSeconds: 15 * 60,
  signUpsPerAddress: 10,
  signUpWindowSeconds: 60 * 60,
};

export interface SignInAttempt {
  email: string;
  /** null when the client's address is unknown: only the account is counted then. */
  address: string | null;
}

export interface SignInThrottle {
  /** Seconds to wait when the account or the address has failed too often; null to go ahead. */
  waitBeforeSignIn(attempt: SignInAttempt): Promise<number | null>;
  signInFailed(attempt: SignInAttempt): Promise<void>;
  signInSucceeded(attempt: SignInAttempt): Promise<void>;
  /** Counts a sign-up from `address`; seconds to wait when it has made too many, else null. */
  waitBeforeSignUp(address: string | null): Promise<number | null>;
}

export function createSignInThrottle(db: Database, limits: SignInLimits = SIGN_IN_LIMITS): SignInThrottle {
  // The library speaks to a pg-style client; this one runs its statements through the app's pool.
  const storeClient = {
    async query(query: { text: string; values?: unknown[] }) {
      const result = await db.kysely.executeQuery(CompiledQuery.raw(query.text, query.values ?? []));
      const rowCount =
        result.numAffectedRows === undefined ? result.rows.length : Number(result.numAffectedRows);
      return { rows: result.rows, rowCount };
    },
  };
  const limiter = (keyPrefix: string, points: number, duration: number) =>
    new RateLimiterPostgres({
      storeClient,
      storeType: 'pool',
      schemaName: 'private',
      tableName: 'sign_in_attempts',
      tableCreated: true, // by the migration
      keyPrefix,
      points,
      duration,
    });
  const byAccount = limiter('sign-in:account', limits.perAccount, limits.windowSeconds);
  const byAddress = limiter('sign-in:address', limits.perAddress, limits.windowSeconds);
  const signUps = limiter('sign-up:address', limits.signUpsPerAddress, limits.signUpWindowSeconds);

  const keys = ({ email, address }: SignInAttempt) => ({
    account: hashed(email.trim().toLowerCase()),
    address: address === null ? null : hashed(addressBlock(address)),
  });

  return {
    async waitBeforeSignIn(attempt) {
      const { account, address } = keys(attempt);
      const [accountState, addressState] = await Promise.all([
        byAccount.get(account),
        address === null ? null : byAddress.get(address),
      ]);
      return longestWait([
        [accountState, limits.perAccount],
        [addressState, limits.perAddress],
      ]);
    },
    async signInFailed(attempt) {
      const { account, address } = keys(attempt);
      await Promise.all([byAccount.penalty(account), address === null ? null : byAddress.penalty(address)]);
    },
    async signInSucceeded(attempt) {
      await byAccount.delete(keys(attempt).account);
    },
    async waitBeforeSignUp(address) {
      if (address === null) return null;
      const state = await signUps.penalty(hashed(addressBlock(address)));
      // This sign-up is counted already: it may go ahead while the count is within the limit.
      return longestWait([[state, limits.signUpsPerAddress + 1]]);
    },
  };
}

/** Whole seconds until no count has reached its bound any more; null when none has. */
function longestWait(states: [RateLimiterRes | null, number][]): number | null {
  let waitMs = 0;
  for (const [state, limit] of states) {
    if (state && state.consumedPoints >= limit) waitMs = Math.max(waitMs, state.msBeforeNext);
  }
  return waitMs > 0 ? Math.ceil(waitMs / 1000) : null;
}

/** Emails and addresses are not stored as such: a throttle has no need to read them back. */
function hashed(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/**
 * One IPv6 subscriber usually holds a whole /64, and could otherwise take a fresh address for
 * every guess; an IPv4 address stands for itself.
 */
function addressBlock(address: string): string {
  if (isIP(address) !== 6 || address.includes('.')) return address;
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
