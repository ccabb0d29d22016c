// The errors services throw are recognised whichever copy of their module made them: in
// development the services come from Node's copy of server/ and the routes from Vite's, and an
// expired token must still answer 401 (not 500), Meta's refusals their own status.
import { describe, expect, it } from 'vitest';
import { TokenDecryptionError } from './crypto/token-cipher.ts';
import { AppError, toAppError } from './errors.ts';
import { GraphApiError, GraphNetworkError } from './meta/graph-client.ts';

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
