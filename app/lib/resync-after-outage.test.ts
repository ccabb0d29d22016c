// After the API said the database was away, the first answer that succeeds refetches everything
// on screen (live updates sent meanwhile may never have reached the browser); queries keep trying
// while the service is unavailable, and give up after three tries on anything else.
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { afterEach, expect, it } from 'vitest';
import { isServiceUnavailable, resyncAfterOutage, retryWhileUnavailable } from './resync-after-outage.ts';

const unavailable = () =>
  TRPCClientError.from({
    error: {
      message: 'The database is temporarily unavailable; try again in a few seconds',
      code: -32603,
      data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 },
    },
  });
const notFound = () =>
  TRPCClientError.from({
    error: { message: 'Workspace not found', code: -32004, data: { code: 'NOT_FOUND', httpStatus: 404 } },
  });

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** A query on screen (observed), counting how often it is fetched. */
function onScreen(queryClient: QueryClient, key: string, fetch: () => Promise<string>) {
  const counted = { fetches: 0 };
  const observer = new QueryObserver(queryClient, {
    queryKey: [key],
    queryFn: () => {
      counted.fetches += 1;
      return fetch();
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  stops.push(observer.subscribe(() => {}));
  return counted;
}

it('refetches what is on screen once the API answers again after saying the database is away', async () => {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  stops.push(resyncAfterOutage(queryClient), () => queryClient.clear());
  let away = false;
  const list = onScreen(queryClient, 'list', async () => 'conversations');
  await queryClient.refetchQueries({ queryKey: ['list'] });
  const before = list.fetches;

  away = true;
  await queryClient
    .fetchQuery({
      queryKey: ['thread'],
      queryFn: async () => {
        if (away) throw unavailable();
        return 'messages';
      },
    })
    .catch(() => {});
  expect(list.fetches).toBe(before); // nothing to refetch yet: the database is still away

  away = false;
  await queryClient.fetchQuery({ queryKey: ['thread'], queryFn: async () => 'messages' });
  await expect.poll(() => list.fetches).toBe(before + 1);

  // Once: later answers change nothing.
  await queryClient.fetchQuery({ queryKey: ['other'], queryFn: async () => 'x' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(list.fetches).toBe(before + 1);
});

it('does not resync after errors that are not an outage', async () => {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  stops.push(resyncAfterOutage(queryClient), () => queryClient.clear());
  const list = onScreen(queryClient, 'list', async () => 'conversations');
  await queryClient.refetchQueries({ queryKey: ['list'] });
  const before = list.fetches;
  await queryClient
    .fetchQuery({
      queryKey: ['missing'],
      queryFn: async () => {
        throw notFound();
      },
    })
    .catch(() => {});
  await queryClient.fetchQuery({ queryKey: ['other'], queryFn: async () => 'x' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(list.fetches).toBe(before);
});

it('keeps retrying while the service is unavailable, and three times otherwise', () => {
  expect(isServiceUnavailable(unavailable())).toBe(true);
  expect(isServiceUnavailable(notFound())).toBe(false);
  expect(isServiceUnavailable(new Error('offline'))).toBe(false);
  expect(retryWhileUnavailable(50, unavailable())).toBe(true);
  expect(retryWhileUnavailable(2, notFound())).toBe(true);
  expect(retryWhileUnavailable(3, notFound())).toBe(false);
});
