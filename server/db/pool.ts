// Every pg pool of the project, made here so each one survives losing a connection and ends
// cleanly.
//
// A connection Postgres drops (a restart, a failover, an operator's terminate) emits 'error' on its
// client. pg-pool listens for that only while the client is idle: once it is checked out (inside a
// transaction, say), an 'error' with no listener crashes the process. So each client gets its own
// listener for its whole life. The query in flight fails by itself (a transient error the caller
// retries or answers 503 for), and the pool discards the dead client when it is released.
//
// pg's `pool.end()` resolves once it has asked each connection to close, not once they have
// closed. Whatever stops the database next (a shutdown in order, a forced drop) could then cut one
// off, and the pool reports that as an error on a connection it no longer holds. So whoever ends
// a pool also waits for its connections to be gone.
import pg from 'pg';

export interface Pool {
  pool: pg.Pool;
  /** Ends the pool (through `end`, for a pool another library ends) and waits until every connection has closed. */
  end(end?: () => Promise<void>): Promise<void>;
}

export function createPool(config: pg.PoolConfig & { label: string }): Pool {
  const { label, ...poolConfig } = config;
  const pool = new pg.Pool(poolConfig);
  const open = new Set<pg.PoolClient>();
  pool.on('connect', (client) => {
    open.add(client);
    client.on('error', (error) => console.warn(`${label}: connection lost (${error.message})`));
    client.once('end', () => open.delete(client));
  });
  // pg-pool re-emits an idle client's error here; the client's own listener above has reported it.
  pool.on('error', () => {});
  return {
    pool,
    async end(end = () => pool.end()) {
      const closed = [...open].map((client) => new Promise((resolve) => client.once('end', resolve)));
      await end();
      await Promise.all(closed);
    },
  };
}
