// Which Send API failures may be retried: only those that prove Meta did not take the message.
import { describe, expect, it } from 'vitest';
import { GraphApiError, GraphNetworkError, retryHintSeconds } from './graph-client.ts';
import { classifySendFailure } from './send-outcome.ts';

const graphError = (status: number, code: number | null, subcode: number | null = null, fromGraph = true) =>
  new GraphApiError('refused', status, code, subcode, 'OAuthException', null, fromGraph);

const connectError = (code: string) =>
  new GraphNetworkError('failed', {
    cause: Object.assign(new TypeError('fetch failed'), { cause: { code } }),
  });

describe('classifySendFailure', () => {
  it.each([
    ['1/1357046 "may have succeeded"', graphError(500, 1, 1357046), 'ambiguous'],
    ['an unknown error (1)', graphError(400, 1), 'ambiguous'],
    ["a gateway's page instead of Graph's envelope", graphError(502, null, null, false), 'ambiguous'],
    [
      'a timeout after connecting',
      new GraphNetworkError('timeout', { cause: new Error('aborted') }),
      'ambiguous',
    ],
    ['a reset connection', connectError('ECONNRESET'), 'ambiguous'],
    ['a refused connection', connectError('ECONNREFUSED'), 'unavailable'],
    ['a name that does not resolve', connectError('ENOTFOUND'), 'unavailable'],
    ['a connect timeout', connectError('UND_ERR_CONNECT_TIMEOUT'), 'unavailable'],
    ['HTTP 429', graphError(429, null, null, false), 'throttled'],
    ['4 (app limit)', graphError(400, 4), 'throttled'],
    ['17 (user limit)', graphError(400, 17), 'throttled'],
    ['32 (page limit)', graphError(400, 32), 'throttled'],
    ['613/2534040', graphError(400, 613, 2534040), 'throttled'],
    ['2 (temporary)', graphError(500, 2), 'unavailable'],
    ['another 5xx in Graph’s envelope', graphError(500, 100), 'ambiguous'],
    ['613/2018338 (tag abuse warning, not a rate limit)', graphError(400, 613, 2018338), 'rejected'],
    ['190 (token)', graphError(400, 190, 460), 'rejected'],
    ['10/2534022 (window)', graphError(400, 10, 2534022), 'rejected'],
    ['100/2534014 (no such user)', graphError(400, 100, 2534014), 'rejected'],
  ])('%s → %s', (_label, error, kind) => {
    expect(classifySendFailure(error).kind).toBe(kind);
  });

  it('explains the refusals an operator can act on', () => {
    const explain = (error: GraphApiError) => {
      const failure = classifySendFailure(error);
      return failure.kind === 'rejected' ? failure : undefined;
    };
    expect(explain(graphError(400, 190, 460))).toMatchObject({ needsReauth: true, code: '190/460' });
    expect(explain(graphError(400, 10, 2534077))).toMatchObject({ needsReauth: true });
    expect(explain(graphError(400, 10, 2534022))?.reason).toContain('messaging window is closed');
    expect(explain(graphError(400, 200, 2534041))?.reason).toContain('Allow access to messages');
    expect(explain(graphError(400, 551))?.reason).toContain('not available right now');
    expect(explain(graphError(400, 100, 2018109))?.reason).toContain('too large');
    expect(explain(graphError(400, 100, 999))?.reason).toBe('Instagram refused the message: refused');
  });

  it('rethrows what is not a Graph or network failure', () => {
    expect(() => classifySendFailure(new RangeError('bug'))).toThrow(RangeError);
  });
});

describe('retryHintSeconds', () => {
  it('reads Retry-After, then the business use case estimate (minutes)', () => {
    expect(retryHintSeconds(new Headers({ 'retry-after': '7' }))).toBe(7);
    const usage = JSON.stringify({
      '1784': [{ type: 'instagram', call_count: 100, estimated_time_to_regain_access: 2 }],
    });
    expect(retryHintSeconds(new Headers({ 'x-business-use-case-usage': usage }))).toBe(120);
    expect(retryHintSeconds(new Headers({ 'x-business-use-case-usage': '{not json' }))).toBeNull();
    expect(retryHintSeconds(new Headers())).toBeNull();
  });
});
