// The errors services throw are recognised whichever copy of their module made them: in
// development the services come from Node's copy of server/ and the routes from Vite's, and an
// expired token must still answer 401 (not 500), Meta's refusals their own status.
import { describe, expect, it } from 'vitest';
import { tokenExpired } from './auth/access-token.ts';
import { sessionEnded } from './auth/live-session.ts';
import { TokenDecryptionError } from './crypto/token-cipher.ts';
import {
  APP_ERROR_STATUS,
  AppError,
  type AppErrorCode,
  DEFAULT_REASONS,
  ERROR_REASONS,
  errorBody,
  toAppError,
} from './errors.ts';
import { GraphApiError, GraphNetworkError } from './meta/graph-client.ts';
import { invalidPosition } from './realtime/live-position.ts';

/** Another evaluation of a module, as a second bundler would make. */
async function secondCopy<T>(path: string): Promise<T> {
  return (await import(/* @vite-ignore */ new URL(`${path}?second-copy`, import.meta.url).href)) as T;
}

describe('errors across module copies', () => {
  it('an AppError of another copy is an AppError, with its status; nothing else is', async () => {
    const copy = await secondCopy<typeof import('./errors.ts')>('./errors.ts');
    expect(copy.AppError).not.toBe(AppError);
    const expired = new copy.AppError('UNAUTHENTICATED', 'The access token has expired');
    expect(expired instanceof AppError).toBe(true);
    expect(toAppError(expired)?.status).toBe(401);
    expect(new AppError('NOT_FOUND', 'x') instanceof copy.AppError).toBe(true);
    for (const other of [new Error('boom'), { code: 'UNAUTHENTICATED' }, null, 'AppError', undefined]) {
      expect(other instanceof AppError).toBe(false);
      expect(toAppError(other)).toBeUndefined();
    }
  });

  it("Meta's errors and the cipher's are recognised across copies, and not mistaken for each other", async () => {
    const graph = await secondCopy<typeof import('./meta/graph-client.ts')>('./meta/graph-client.ts');
    const cipher = await secondCopy<typeof import('./crypto/token-cipher.ts')>('./crypto/token-cipher.ts');
    const refused = new graph.GraphApiError('(#100) gone', 400, 100, 33, 'OAuthException', null);
    const network = new graph.GraphNetworkError('timeout');
    const sealed = new cipher.TokenDecryptionError('no key');
    expect([refused instanceof GraphApiError, network instanceof GraphNetworkError]).toEqual([true, true]);
    expect(sealed instanceof TokenDecryptionError).toBe(true);
    expect([refused instanceof GraphNetworkError, network instanceof GraphApiError]).toEqual([false, false]);
    expect([refused, network, sealed].some((error) => error instanceof AppError)).toBe(false);
  });
});

describe('reasons', () => {
  it('every code has a default reason with its own status, and every reason a status, meaning and action', () => {
    for (const [code, reason] of Object.entries(DEFAULT_REASONS)) {
      expect(ERROR_REASONS[reason].status, code).toBe(APP_ERROR_STATUS[code as AppErrorCode]);
    }
    for (const [reason, { status, description, action }] of Object.entries(ERROR_REASONS)) {
      expect(reason).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect([400, 401, 403, 404, 409, 413, 422, 500, 503]).toContain(status);
      expect(description.length, reason).toBeGreaterThan(20);
      expect(action.length, reason).toBeGreaterThan(10);
    }
  });

  it('an AppError takes the reason it is given, or its code’s default', () => {
    expect(new AppError('NOT_FOUND', 'Gone').reason).toBe('not_found');
    expect(new AppError('NOT_FOUND', 'Workspace not found', { reason: 'not_a_member' }).reason).toBe(
      'not_a_member',
    );
    // One refusal, one reason, wherever it is thrown (the token check and the live stream alike).
    const ended = sessionEnded();
    expect([ended.reason, ended.status]).toEqual(['session_ended', 401]);
    expect(tokenExpired().reason).toBe('token_expired');
    expect(new AppError('UNAUTHENTICATED', 'Something else').reason).toBe('token_invalid');
    expect(invalidPosition('lastEventId').reason).toBe('invalid_cursor');
    expect(errorBody(ended)).toEqual({
      error: 'Your session has ended: sign in again',
      reason: 'session_ended',
    });
  });
});
