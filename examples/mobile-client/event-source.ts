// The EventSource the live stream runs on in React Native: react-native-sse (built on React
// Native's XMLHttpRequest, so it works in Expo Go and bare apps alike), adapted to what tRPC's
// httpSubscriptionLink expects of an EventSource. react-native-sse delivers tRPC's named events
// (`connected`, `ping`, `serialized-error`, `return`, and `message` with its `data` and
// `lastEventId`) as they are; three things needed changing:
//
// - tRPC reads `readyState` to tell a connection that will come back from one that is over; the
//   library has none (it keeps `status`, with an extra ERROR state), so tRPC took every failure for
//   a reconnect in progress, and its types refuse the class.
// - The library reconnects by itself with the headers it was made with: the access token of the
//   first connection, however old. And when a reconnect fails before any response (the phone still
//   offline) it stops trying without a word, so the subscription hung, reconnecting only when
//   tRPC's inactivity timer (45 s, told by the server) gave up on it, or never when it had not
//   connected once. Here the library never reconnects: a connection that ends any other way than
//   by the server's `return` or by close() ends this EventSource (readyState CLOSED, an `error`
//   event, as a browser's does when it cannot reconnect). tRPC then ends the subscription with an
//   error, and the app's live stream (live.ts) subscribes again: through tRPC, so with a fresh
//   token from `eventSourceOptions` and the last event id in the input.
// - It waits 500 ms before every connection by default; here it connects at once.
//
// The class is what `EventSource` in the API client is given (api.ts): an app can pass another.
import RNEventSource from 'react-native-sse';

/** The named events tRPC's SSE stream sends beside `message`. */
type TrpcSseEvent = 'connected' | 'ping' | 'serialized-error' | 'return' | 'restore-id';

export interface ReactNativeEventSourceInit {
  /** Sent with the one request this EventSource makes: the `Authorization` header. */
  headers?: Record<string, string>;
}

export class ReactNativeEventSource extends RNEventSource<TrpcSseEvent> {
  // Set by react-native-sse itself; its type declarations leave them out.
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSED: 2;
  declare readonly ERROR: -1;
  declare status: -1 | 0 | 1 | 2;

  private opened = false;
  /** An `error` was dispatched: this EventSource is over. */
  private ended = false;

  constructor(url: string | URL, init: ReactNativeEventSourceInit = {}) {
    super(url, {
      headers: init.headers ?? {},
      timeoutBeforeConnection: 0,
      // The library calls open() again this long after a response ended; open() below turns that
      // into the end of this EventSource instead (0 would disable it, and then the end of a
      // response without `return` went unnoticed).
      pollingInterval: 1,
    });
  }

  /** As tRPC reads it: nothing reconnects here, so a failed connection is CLOSED. */
  get readyState(): number {
    return this.ended || this.status === this.ERROR ? this.CLOSED : this.status;
  }

  override open(): void {
    if (!this.opened) {
      this.opened = true;
      super.open();
      return;
    }
    // The library is reconnecting: the response ended, or failed, and no `return` came.
    if (this.status === this.CLOSED) return;
    super.close();
    this.dispatch('error', {
      type: 'error',
      message: 'The stream ended without the server closing it',
      xhrState: 4,
      xhrStatus: 0,
    });
  }

  /** One `error` at most, as a browser's EventSource gives when it gives up (the library repeats it). */
  override dispatch<T extends TrpcSseEvent | 'open' | 'message' | 'error' | 'close'>(
    type: T,
    event: Parameters<RNEventSource<TrpcSseEvent>['dispatch']>[1],
  ): void {
    if (type === 'error') {
      if (this.ended) return;
      this.ended = true;
    }
    super.dispatch(type, event as never);
  }

  // tRPC registers listeners by name as plain strings.
  override addEventListener(type: string, listener: (event: never) => void): void {
    super.addEventListener(type as TrpcSseEvent, listener as never);
  }

  override removeEventListener(type: string, listener: (event: never) => void): void {
    super.removeEventListener(type as TrpcSseEvent, listener as never);
  }
}
