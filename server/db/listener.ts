// A LISTEN session that comes back. LISTEN needs a connection of its own (a direct or session-mode
// connection on Supabase), and when Postgres restarts or fails over that connection is gone; a
// listener that does not reconnect leaves its process deaf for good (the worker falls back to
// polling, live streams stop waking). This one reconnects with backoff, and says when it is back so
// its owner can catch up on what was notified meanwhile (NOTIFY is not replayed).
import pg from 'pg';

export interface ListenerOptions {
  url: string;
  channel: string;
  /** Names the listener in logs and in pg_stat_activity. */
  name: string;
  onNotification(payload: string): void;
  /** After a reconnect: notifications sent while it was away are lost, so re-read. */
  onReconnect?(): void;
  /** First and longest wait before reconnecting (doubling in between). */
  backoffMs?: { first: number; max: number };
}

export interface Listener {
  close(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Listens on `channel`; resolves once the first session listens (and rejects if it cannot). */
export async function startListener(options: ListenerOptions): Promise<Listener> {
  if (!IDENTIFIER.test(options.channel)) throw new Error(`not a channel name: ${options.channel}`);
  const { first, max } = options.backoffMs ?? { first: 250, max: 10_000 };
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const session = new pg.Client({ connectionString: options.url, application_name: options.name });
    let listening = false;
    session.on('notification', ({ payload }) => options.onNotification(payload ?? ''));
    // 'error' comes first when Postgres ends the session; 'end' follows, and always comes. A
    // session that never got to listen is retried by whoever was connecting it.
    session.on('error', (error) => console.warn(`${options.name}: listener lost (${error.message})`));
    session.once('end', () => {
      if (listening && client === session && !closed) reconnect(first);
    });
    client = session;
    await session.connect();
    await session.query(`listen ${options.channel}`);
    listening = true;
  }

  function reconnect(wait: number): void {
    client = undefined;
    retry = setTimeout(async () => {
      if (closed) return;
      try {
        await connect();
        console.warn(`${options.name}: listening again`);
        options.onReconnect?.();
      } catch {
        await client?.end().catch(() => {});
        if (!closed) reconnect(Math.min(max, wait * 2));
      }
    }, wait);
  }

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
