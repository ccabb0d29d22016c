// The typed API client: tRPC over HTTP with the types package only (`AppRouter` from
// @direct-inbox/api-types: no server code comes into the app). Every request, and every
// connection of the live stream, asks the session for its token at that moment, so a refreshed
// token is used as soon as there is one. A query or mutation the server refuses with
// `token_expired` is sent once more after a refresh; the live stream does its own refreshing
// (live.ts), since it outlives many tokens.
import type { AppRouter, ErrorReason, RouterInputs, RouterOutputs } from '@direct-inbox/api-types';
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  retryLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
} from '@trpc/client';
import { NotSignedInError, type Session } from './session.ts';

export type Api = TRPCClient<AppRouter>;
export type { AppRouter, ErrorReason, RouterInputs, RouterOutputs };

/**
 * What httpSubscriptionLink needs of an EventSource, made with the request's headers:
 * ReactNativeEventSource (event-source.ts), or any other that takes `headers` (injected, so an
 * app can swap it).
 */
export type HeaderEventSource = new (
  url: string,
  init: { headers: Record<string, string> },
) => {
  readonly CONNECTING: number;
  readonly OPEN: number;
  readonly CLOSED: number;
  readonly readyState: number;
  addEventListener(type: string, listener: (event: never) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
  close(): void;
};

export interface ApiOptions {
  /** The API's tRPC endpoint: `https://<host>/api/trpc`. */
  url: string;
  session: Pick<Session, 'accessToken' | 'refresh'>;
  EventSource: HeaderEventSource;
}

/** Why the server refused a call (`error.data.reason`); undefined when it never answered. */
export function refusalReason(error: unknown): ErrorReason | undefined {
  return error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data?.reason : undefined;
}

/** The call was not made: there is no session on this device (show sign-in). */
export function isNotSignedIn(error: unknown): boolean {
  return (
    error instanceof NotSignedInError ||
    (error instanceof TRPCClientError && error.cause instanceof NotSignedInError)
  );
}

export function createApi(options: ApiOptions): Api {
  const authorization = async () => ({ Authorization: `Bearer ${await options.session.accessToken()}` });
  return createTRPCClient<AppRouter>({
    links: [
      retryLink({
        retry({ op, error, attempts }) {
          if (op.type === 'subscription' || attempts > 1 || refusalReason(error) !== 'token_expired')
            return false;
          // The repeated call's headers wait for this refresh (Session.accessToken).
          options.session.refresh().catch(() => {});
          return true;
        },
      }),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: options.url,
          EventSource: options.EventSource,
          // A function, so each (re)connection carries the token of its moment.
          eventSourceOptions: async () => ({ headers: await authorization() }),
        }),
        // Native apps send no Origin header (the server refuses a cross-site one); fetch adds none.
        false: httpBatchLink({ url: options.url, headers: authorization }),
      }),
    ],
  });
}
