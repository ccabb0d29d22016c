// A stand-in for React Native's XMLHttpRequest (Libraries/Network/XMLHttpRequest.js over the native
// Networking module), for running React Native networking code in Node: react-native-sse, the
// EventSource the reference mobile client (examples/mobile-client/) uses, is built on it, and Node
// has no XMLHttpRequest. The npm XHR packages do not behave like React Native's for a stream: they
// set `responseText` only when the response has ended, so an SSE stream would deliver nothing until
// it closes. React Native's, when a `readystatechange` handler is set before `send()` (it asks the
// native side for incremental data), appends each chunk to `responseText` as it arrives and fires
// `readystatechange` at LOADING for each one. That is what this reproduces, over node:http, with
// only what react-native-sse uses and in React Native's order:
//
//   open()            readyState OPENED (readystatechange fires, before any handler is usually set)
//   setRequestHeader  header names lower-cased; only between open() and send()
//   send()            the request goes out; nothing fires synchronously
//   response head     status and headers set, readyState HEADERS_RECEIVED
//   each chunk        decoded as UTF-8 (a character split across chunks waits for its rest),
//                     appended to responseText, readyState LOADING
//   end               readyState DONE, then `load`, then `loadend`
//   network failure   responseText becomes the error's message (React Native puts the native error
//                     there), readyState DONE, then `error` (`timeout` when `timeout` ran out), then
//                     `loadend`; `status` keeps what the response head said (0 when none came)
//   abort()           while in flight: everything is reset (status 0, empty responseText), readyState
//                     DONE, then `abort`, then `loadend`; nothing of the request is reported after
//
// `withCredentials` is accepted and ignores cookies, as a native app has none of the API's. Response
// headers are not kept: react-native-sse reads none.
import http from 'node:http';
import https from 'node:https';

type Handler = ((event: { type: string }) => void) | null;

const UNSENT = 0;
const OPENED = 1;
const HEADERS_RECEIVED = 2;
const LOADING = 3;
const DONE = 4;

export class ReactNativeXMLHttpRequest {
  static readonly UNSENT = UNSENT;
  static readonly OPENED = OPENED;
  static readonly HEADERS_RECEIVED = HEADERS_RECEIVED;
  static readonly LOADING = LOADING;
  static readonly DONE = DONE;
  readonly UNSENT = UNSENT;
  readonly OPENED = OPENED;
  readonly HEADERS_RECEIVED = HEADERS_RECEIVED;
  readonly LOADING = LOADING;
  readonly DONE = DONE;

  readyState = UNSENT;
  status = 0;
  /** Milliseconds; 0 waits for ever. */
  timeout = 0;
  withCredentials = true;

  onreadystatechange: Handler = null;
  onload: Handler = null;
  onerror: Handler = null;
  ontimeout: Handler = null;
  onabort: Handler = null;
  onloadend: Handler = null;

  private method = 'GET';
  private url = '';
  private headers: Record<string, string> = {};
  private response = '';
  private sent = false;
  private aborted = false;
  /** The request in flight; cleared once it completes or is aborted, after which it reports nothing. */
  private request: http.ClientRequest | null = null;

  get responseText(): string {
    return this.readyState < LOADING ? '' : this.response;
  }

  open(method: string, url: string, async?: boolean): void {
    if (this.readyState !== UNSENT) throw new Error('Cannot open, already sending');
    if (async !== undefined && !async) throw new Error('Synchronous http requests are not supported');
    if (!url) throw new Error('Cannot load an empty url');
    this.method = method.toUpperCase();
    this.url = url;
    this.aborted = false;
    this.setReadyState(OPENED);
  }

  setRequestHeader(name: string, value: unknown): void {
    if (this.readyState !== OPENED) throw new Error('Request has not been opened');
    this.headers[name.toLowerCase()] = String(value);
  }

  send(body?: string | null): void {
    if (this.readyState !== OPENED) throw new Error('Request has not been opened');
    if (this.sent) throw new Error('Request has already been sent');
    this.sent = true;
    const url = new URL(this.url);
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: this.method,
      headers: this.headers,
      timeout: this.timeout > 0 ? this.timeout : undefined,
    });
    this.request = request;
    const current = () => this.request === request;
    const decoder = new TextDecoder();
    request.on('response', (response) => {
      if (!current()) return;
      this.status = response.statusCode ?? 0;
      this.setReadyState(HEADERS_RECEIVED);
      response.on('data', (chunk: Buffer) => {
        if (!current()) return;
        const text = decoder.decode(chunk, { stream: true });
        if (text === '') return;
        this.response += text;
        this.setReadyState(LOADING);
      });
      response.on('end', () => {
        if (!current()) return;
        this.response += decoder.decode();
        this.complete(null);
      });
      // A connection cut mid-response: Node reports `aborted` on the response (and an error, or only
      // a close, depending on when); React Native reports the native error.
      response.on(
        'error',
        (error) => current() && this.complete(error.message || 'The network connection was lost.'),
      );
      response.on(
        'close',
        () => current() && !response.complete && this.complete('The network connection was lost.'),
      );
    });
    request.on('timeout', () => {
      if (!current()) return;
      this.complete('The request timed out.', true);
      request.destroy();
    });
    request.on('error', (error) => current() && this.complete(error.message || String(error)));
    request.end(body ?? undefined);
  }

  abort(): void {
    this.aborted = true;
    const request = this.request;
    this.request = null;
    request?.destroy();
    const inFlight = !(
      this.readyState === UNSENT ||
      (this.readyState === OPENED && !this.sent) ||
      this.readyState === DONE
    );
    if (inFlight) {
      this.reset();
      this.setReadyState(DONE);
    }
    this.reset();
  }

  private complete(error: string | null, timedOut = false): void {
    this.request = null;
    if (error !== null) this.response = error;
    this.readyState = DONE;
    this.fire('readystatechange');
    this.fire(error === null ? 'load' : timedOut ? 'timeout' : 'error');
    this.fire('loadend');
  }

  private reset(): void {
    this.readyState = UNSENT;
    this.status = 0;
    this.headers = {};
    this.response = '';
    this.sent = false;
  }

  private setReadyState(state: number): void {
    this.readyState = state;
    this.fire('readystatechange');
    if (state === DONE) {
      this.fire(this.aborted ? 'abort' : 'load');
      this.fire('loadend');
    }
  }

  private fire(type: 'readystatechange' | 'load' | 'error' | 'timeout' | 'abort' | 'loadend'): void {
    this[`on${type}`]?.call(this, { type });
  }
}

/**
 * Makes the stand-in the global XMLHttpRequest (React Native's global), as a React Native app's
 * runtime has it; returns a function that puts back what was there.
 */
export function installReactNativeXMLHttpRequest(): () => void {
  const global = globalThis as { XMLHttpRequest?: unknown };
  const before = global.XMLHttpRequest;
  global.XMLHttpRequest = ReactNativeXMLHttpRequest;
  return () => {
    global.XMLHttpRequest = before;
  };
}
