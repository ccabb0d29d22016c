// A TCP proxy in front of the test cluster, for outage tests: what connects through it loses
// Postgres the ways production does, on demand, while the shared cluster keeps running for every
// other test file (never stop it).
//   refuse()   the port closes: new connections get ECONNREFUSED, open ones are cut (ECONNRESET)
//   starting() Postgres answers every new connection with FATAL 57P03 "the database system is
//              starting up", as it does while it restarts or recovers; open ones are cut
//   stall()    new connections are accepted and never answered (a host that went dark); open
//              ones are cut
//   restore()  connections reach Postgres again, on the same port
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface DatabaseProxy {
  /** `url` with its port replaced by the proxy's. */
  urlFor(url: string): string;
  refuse(): Promise<void>;
  starting(): Promise<void>;
  stall(): Promise<void>;
  restore(): Promise<void>;
  /** Connections turned away with 57P03 so far: someone tried to reach Postgres while it was away. */
  turnedAway(): number;
  close(): Promise<void>;
}

type Mode = 'open' | 'starting' | 'stalled';

/** A Postgres ErrorResponse message (protocol 3), the first and last thing the client reads. */
function fatal(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('E', 0, 'ascii');
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

export async function startDatabaseProxy(target: { host?: string; port: number }): Promise<DatabaseProxy> {
  const host = target.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  let mode: Mode = 'open';
  let server: Server | undefined;
  let port = 0;
  let turnedAway = 0;

  function accept(client: Socket) {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (mode === 'stalled') return;
    if (mode === 'starting') {
      // Answered after the startup message, as Postgres does.
      client.once('data', () => {
        turnedAway += 1;
        client.end(fatal('57P03', 'the database system is starting up'));
      });
      return;
    }
    const upstream = createConnection({ host, port: target.port });
    sockets.add(upstream);
    upstream.once('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => {});
    client.once('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  }

  async function listen() {
    const next = createServer(accept);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    server = next;
    const address = next.address();
    if (typeof address === 'object' && address) port = address.port;
  }

  async function stopListening() {
    const current = server;
    server = undefined;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  function cutAll() {
    // resetAndDestroy sends RST: the client sees ECONNRESET, as when a host or network drops.
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
  }

  await listen();
  return {
    urlFor(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    async refuse() {
      const closed = stopListening();
      cutAll();
      await closed;
    },
    async starting() {
      mode = 'starting';
      cutAll();
      if (!server) await listen();
    },
    async stall() {
      mode = 'stalled';
      cutAll();
      if (!server) await listen();
    },
    async restore() {
      if (mode !== 'open') cutAll(); // whatever connected meanwhile never reached Postgres
      mode = 'open';
      if (!server) await listen();
    },
    turnedAway: () => turnedAway,
    async close() {
      const closed = stopListening();
      cutAll();
      await closed;
    },
  };
}
