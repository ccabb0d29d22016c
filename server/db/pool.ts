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

export function createPool(config: pg.PoolConfig): Pool {
  const pool = new pg.Pool(config);
  const open = new Set<pg.PoolClient>();
  pool.on('connect', (client) => {
    open.add(client);
    client.once('end', () => open.delete(client));
  });
  return {
    pool,
    async end(end = () => pool.end()) {
      const closed = [...open].map((client) => new Promise((resolve) => client.once('end', resolve)));
      await end();
      await Promise.all(closed);
    },
  };
}
