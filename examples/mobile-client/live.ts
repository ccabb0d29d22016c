// The workspace's live events (live.events over SSE), kept flowing for as long as the app wants
// them. It remembers the id of the last event the app has applied, and every time it
// (re)connects it subscribes from there, so after a dropped connection, an expired token or a
// night in the background, what happened meanwhile comes exactly once: nothing repeated,
// nothing skipped. It reconnects by itself, waiting longer after each failure, through tRPC (so
// each connection carries a fresh token); it refreshes the token when the server says it
// expired; it stops for good only when the server refuses the session (`session_ended`: sign in
// again) or the workspace.
import { type Api, type ErrorReason, type RouterOutputs, refusalReason } from './api.ts';

type Streamed<T> = T extends AsyncIterable<infer U> ? U : never;
/** An event as the stream gives it: `id` resumes the stream right after it. */
export type LiveEnvelope = Streamed<RouterOutputs['live']['events']>;
export type LiveEvent = LiveEnvelope['data'];

export type LiveStatus =
  | { state: 'connecting' }
  | { state: 'live' }
  /** The server said the token expired: refreshing it, then reconnecting at once. */
  | { state: 'refreshing' }
  /** The connection failed or dropped; the next attempt is in `retryInMs`. */
  | { state: 'waiting'; attempt: number; retryInMs: number; error: Error }
  | { state: 'stopped' }
  /** Refused for good: `reason` says why (`session_ended`: sign in again; `not_a_member`). */
  | { state: 'ended'; reason: ErrorReason | 'refresh_failed'; error: Error };

export interface LiveStreamOptions {
  api: Api;
  workspaceId: string;
  /**
   * Applies events in the order they came, a batch at a time; the stream's position moves past a
   * batch once it resolves. If it throws, the stream reconnects from the last batch applied.
   */
  apply(events: LiveEnvelope[]): Promise<void>;
  /** Gets a new access token (Session.refresh). */
  refreshToken(): Promise<void>;
  /** Where the position is kept (after each batch), to resume from after the app restarts. */
  onPosition?(position: string): void;
  onStatus?(status: LiveStatus): void;
  /** Each event as it arrives, before it is applied (for logging, latency). */
  onReceived?(envelope: LiveEnvelope): void;
  /**
   * How long to wait before reconnection attempt `attempt` (1, 2, …) after a failure. The default
   * backs off exponentially from half a second to 15 s, with jitter, so that a server restart is
   * not met by every phone at the same moment.
   */
  reconnectDelayMs?(attempt: number): number;
}

/** Refusals that no reconnection can fix. */
const FINAL: ReadonlySet<ErrorReason> = new Set([
  'session_ended',
  'not_a_member',
  'token_missing',
  'token_malformed',
  'validation',
  'forbidden',
]);

const BATCH = 100;

export function defaultReconnectDelayMs(attempt: number): number {
  const ceiling = Math.min(15_000, 500 * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

export class LiveStream {
  private readonly options: LiveStreamOptions;
  private current: { unsubscribe(): void } | null = null;
  /** Each connection's callbacks carry their number; those of a connection given up are ignored. */
  private connection = 0;
  private isRunning = false;
  private failures = 0;
  private refreshedWithoutStart = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private received: LiveEnvelope[] = [];
  private applying: Promise<void> | null = null;
  private lastStatus: LiveStatus = { state: 'stopped' };
  private position: string | null;

  constructor(options: LiveStreamOptions & { from: string | null }) {
    this.options = options;
    this.position = options.from;
  }

  /** The id of the last event applied (or where the stream was told to start): resume from here. */
  get lastEventId(): string | null {
    return this.position;
  }

  get status(): LiveStatus {
    return this.lastStatus;
  }

  /** Started and neither stopped nor ended: connected, or about to be. */
  get running(): boolean {
    return this.isRunning;
  }

  /** Connects (from `from`, or the position given to start()) once what a stop() left is applied. */
  start(from?: string | null): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.failures = 0;
    // A new connection number: a stop() or a reconnection still waiting sees it and gives way.
    this.disconnect();
    const connection = this.connection;
    // Events a stop() left being applied: subscribing before they are would get them again.
    void this.idle().then(() => {
      if (connection !== this.connection) return;
      if (from !== undefined) this.position = from;
      this.connect();
    });
  }

  /** Closes the stream (the app goes to the background); resolves once what came is applied. */
  async stop(): Promise<void> {
    this.isRunning = false;
    this.disconnect();
    const connection = this.connection;
    clearTimeout(this.retryTimer);
    await this.idle();
    // Started again meanwhile: that run reports its own state.
    if (connection === this.connection) this.setStatus({ state: 'stopped' });
  }

  private connect(): void {
    // One connection at a time: one left open would go on streaming unseen.
    this.disconnect();
    const connection = this.connection;
    this.setStatus({ state: 'connecting' });
    this.current = this.options.api.live.events.subscribe(
      { workspaceId: this.options.workspaceId, lastEventId: this.position },
      {
        onStarted: () => {
          if (connection !== this.connection) return;
          this.failures = 0;
          this.refreshedWithoutStart = false;
          this.setStatus({ state: 'live' });
        },
        onData: (envelope) => {
          if (connection !== this.connection) return;
          this.options.onReceived?.(envelope);
          this.received.push(envelope);
          this.applyReceived(connection);
        },
        onError: (error) => {
          if (connection === this.connection) void this.recover(error);
        },
        // The server never ends the stream by itself; if it did, come back as after a drop.
        onComplete: () => {
          if (connection === this.connection) void this.recover(new Error('The stream ended'));
        },
      },
    );
  }

  private disconnect(): void {
    this.connection += 1;
    const current = this.current;
    this.current = null;
    current?.unsubscribe();
  }

  private applyReceived(connection: number): void {
    this.applying ??= this.drain(connection);
  }

  /** Applies what was received, in order, one batch at a time, until nothing is left. */
  private async drain(connection: number): Promise<void> {
    // Goes on once applyReceived holds this promise, which the `finally` clears (even if apply
    // throws at once).
    await undefined;
    try {
      while (this.received.length > 0) {
        const batch = this.received.splice(0, BATCH);
        try {
          await this.options.apply(batch);
        } catch (error) {
          // Not applied: what followed it must not be either; all of it comes again.
          this.received = [];
          if (connection === this.connection) void this.recover(error as Error);
          return;
        }
        this.position = (batch.at(-1) as LiveEnvelope).id;
        this.options.onPosition?.(this.position);
      }
    } finally {
      // Cleared in the same step as the loop found nothing left: an event arriving a moment
      // later (a promise's `finally` runs a tick after) would find it still set and wait,
      // unapplied, for the next one.
      this.applying = null;
    }
  }

  private async idle(): Promise<void> {
    while (this.applying) await this.applying;
  }

  private async recover(error: Error): Promise<void> {
    this.disconnect();
    // After each wait: stopped (and maybe started again, on a connection of its own) meanwhile,
    // this recovery is over.
    const connection = this.connection;
    // Resume right after the last event applied: wait for those on their way.
    await this.idle();
    if (connection !== this.connection) return;
    const reason = refusalReason(error);
    if (reason !== undefined && FINAL.has(reason)) return this.end(reason, error);
    if (reason === 'invalid_cursor') {
      // A position this server never issued (another environment's): start afresh (resyncRequired).
      this.position = null;
      return this.connect();
    }
    if ((reason === 'token_expired' || reason === 'token_invalid') && !this.refreshedWithoutStart) {
      this.refreshedWithoutStart = true;
      this.setStatus({ state: 'refreshing' });
      try {
        await this.options.refreshToken();
      } catch (refreshError) {
        if (connection !== this.connection) return;
        return this.end(reason === 'token_expired' ? 'refresh_failed' : reason, refreshError as Error);
      }
      if (connection === this.connection) this.connect();
      return;
    }
    // Dropped, unreachable, the server busy: again, later and later.
    this.failures += 1;
    const delay = (this.options.reconnectDelayMs ?? defaultReconnectDelayMs)(this.failures);
    this.setStatus({ state: 'waiting', attempt: this.failures, retryInMs: delay, error });
    this.retryTimer = setTimeout(() => {
      if (connection === this.connection) this.connect();
    }, delay);
  }

  private end(reason: ErrorReason | 'refresh_failed', error: Error): void {
    this.isRunning = false;
    this.setStatus({ state: 'ended', reason, error });
  }

  private setStatus(status: LiveStatus): void {
    this.lastStatus = status;
    this.options.onStatus?.(status);
  }
}
