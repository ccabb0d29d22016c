// The typed API as a mobile app holds it, for database tests: @trpc/client with the operator's
// bearer token on every request, and live events over server-sent events.
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { LiveEvent } from '#server/realtime/live-event.schemas.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';
import type { ServedHandler } from './serve-fetch.ts';

export function mobileClient(api: Pick<ServedHandler, 'url'>, token: string) {
  const headers = { Authorization: `Bearer ${token}` };
  const url = `${api.url}/api/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
          }),
        }),
        false: httpBatchLink({ url, headers }),
      }),
    ],
  });
}

/** An event of `live.events` with its id (the resume point right after it). */
export interface ReceivedLiveEvent {
  id: string;
  data: LiveEvent;
}

export interface LiveSubscription {
  received: ReceivedLiveEvent[];
  errors: Error[];
  /** How many times the stream was (re)opened: more than once means the app had to reconnect. */
  connections: number;
  stop(): void;
}

/** `live.events` of a workspace, recording what arrives. */
export function listenLive(
  api: ServedHandler,
  token: string,
  input: { workspaceId: string; lastEventId?: string },
): LiveSubscription {
  const subscription: LiveSubscription = { received: [], errors: [], connections: 0, stop: () => {} };
  const handle = mobileClient(api, token).live.events.subscribe(input, {
    onStarted: () => {
      subscription.connections += 1;
    },
    onData: (envelope) => subscription.received.push(envelope),
    onError: (error) => subscription.errors.push(error),
  });
  subscription.stop = () => handle.unsubscribe();
  return subscription;
}
