// The local stand-in for Supabase Realtime: the Phoenix-channel subset supabase-js speaks
// (reference: supabase-local-protocols.md §2), for private broadcast channels only.
//
// - WebSocket at /realtime/v1/websocket?apikey=…&vsn=2.0.0, JSON-array frames.
// - phx_join is authorised as hosted Realtime does it: the token (payload.access_token, else the
//   socket's apikey) is verified like the API verifies it, then a probe row for the topic is
//   inserted into realtime.messages, the transaction takes the caller's role and claims, and the
//   join is allowed only if RLS lets it read that row; everything is rolled back.
// - Broadcasts come from realtime.messages rows (written by realtime.send() in the app's
//   triggers), announced by the shim's local-only NOTIFY and pushed to every joined channel.
// - access_token pushes re-authorise the channel; an invalid or expired token, or lost permission,
//   ends it with `system` + `phx_close`, and so does a token reaching its expiry while joined.
// - While its database is away it answers as hosted Realtime does: a join is refused with
//   `UnableToConnectToProject`, and a channel whose new token it cannot check is ended. When its
//   LISTEN session comes back it errors every joined channel (`phx_error`, what Phoenix sends when a
//   channel fails): broadcasts sent meanwhile were never heard, and the client's rejoin is what
//   makes the app refetch. Hosted Realtime says nothing in that case (its replication slot is
//   temporary), so the app also resyncs on its own signals; the stand-in makes the gap visible
//   instead of silent (docs/decisions/013-live-resync-after-outage.md).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { importJWK, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type pg from 'pg';
import { type WebSocket, WebSocketServer } from 'ws';
import { startListener } from '#server/db/listener.ts';
import { isDatabaseUnavailable } from '#server/db/unavailable.ts';
import type { SigningKeys } from './signing-keys.ts';

export const REALTIME_PATH = '/realtime/v1/websocket';
const NOTIFY_CHANNEL = 'local_realtime_messages';

type Frame = [string | null, string | null, string, string, Record<string, unknown>];

/** Who a token says the caller is; `claims` is null for the anon key (an `sb_…` publishable key). */
type Identity = { role: 'anon' | 'authenticated'; claims: JWTPayload | null };

interface JoinedChannel {
  joinRef: string;
  /** The name given to supabase.channel(), e.g. `conversation:<id>`. */
  name: string;
  identity: Identity;
  expiryTimer?: NodeJS.Timeout;
}

class JoinRefused extends Error {}

/** Hosted Realtime's words when it cannot reach the project's database. */
const DATABASE_AWAY = 'Realtime was unable to connect to the project database';

export interface RealtimeStandInOptions {
  pool: pg.Pool;
  databaseUrl: string;
  keys: SigningKeys;
  anonKey: string;
  issuer: string;
}

export async function attachRealtime(server: Server, options: RealtimeStandInOptions) {
  const verifyKey = await importJWK(options.keys.publicJwk, 'ES256');
  const sockets = new Set<{ ws: WebSocket; channels: Map<string, JoinedChannel> }>();
  const wss = new WebSocketServer({ noServer: true });

  async function identify(token: string): Promise<Identity> {
    if (token === options.anonKey) return { role: 'anon', claims: null };
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, verifyKey, { issuer: options.issuer }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        const exp = Number((error.payload as JWTPayload).exp);
        throw new JoinRefused(
          `InvalidJWTToken: Token has expired ${Math.floor(Date.now() / 1000) - exp} seconds ago`,
        );
      }
      throw new JoinRefused('MalformedJWT: The token provided is not a valid JWT');
    }
    if (claims.role !== 'authenticated' && claims.role !== 'anon') {
      throw new JoinRefused('InvalidJWTToken: Fields `role` and `exp` are required in JWT');
    }
    return { role: claims.role, claims };
  }

  /** Hosted Realtime's read check: may this identity select a broadcast on the topic? */
  async function mayRead(identity: Identity, name: string): Promise<boolean> {
    const client = await options.pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into realtime.messages (topic, extension, private, event, payload)
         values ($1, 'broadcast', true, 'realtime-probe', '{}')`,
        [name],
      );
      await client.query(
        `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
                set_config('realtime.topic', $3, true)`,
        [identity.role, JSON.stringify(identity.claims ?? { role: 'anon' }), name],
      );
      const { rowCount } = await client.query(
        `select 1 from realtime.messages where topic = $1 and extension = 'broadcast' and private limit 1`,
        [name],
      );
      return (rowCount ?? 0) > 0;
    } catch (error) {
      if ((error as { code?: string }).code === '42501') return false; // the role may not read at all
      throw error;
    } finally {
      await client.query('rollback').catch(() => {});
      client.release();
    }
  }

  function send(ws: WebSocket, frame: Frame) {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }

  function close(ws: WebSocket, channels: Map<string, JoinedChannel>, topic: string, message: string) {
    const channel = channels.get(topic);
    if (!channel) return;
    clearTimeout(channel.expiryTimer);
    channels.delete(topic);
    send(ws, [
      channel.joinRef,
      null,
      topic,
      'system',
      { extension: 'system', status: 'error', message, channel: channel.name },
    ]);
    send(ws, [channel.joinRef, channel.joinRef, topic, 'phx_close', {}]);
  }

  /** Ends the channel when its token expires, as hosted Realtime does. */
  function watchExpiry(ws: WebSocket, channels: Map<string, JoinedChannel>, topic: string) {
    const channel = channels.get(topic) as JoinedChannel;
    clearTimeout(channel.expiryTimer);
    const exp = channel.identity.claims?.exp;
    if (!exp) return;
    channel.expiryTimer = setTimeout(
      () => close(ws, channels, topic, 'Token has expired 0 seconds ago'),
      Math.max(0, exp * 1000 - Date.now()),
    );
  }

  /** mayRead, refusing (as hosted Realtime does) when the database cannot be reached. */
  async function mayReadNow(identity: Identity, name: string): Promise<boolean> {
    try {
      return await mayRead(identity, name);
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw new JoinRefused(`UnableToConnectToProject: ${DATABASE_AWAY}`);
      throw error;
    }
  }

  async function authorise(name: string, token: string): Promise<Identity> {
    const identity = await identify(token);
    if (!(await mayReadNow(identity, name))) {
      throw new JoinRefused(
        `Unauthorized: You do not have permissions to read from this Channel topic: ${name}`,
      );
    }
    return identity;
  }

  async function handle(
    ws: WebSocket,
    channels: Map<string, JoinedChannel>,
    apikey: string,
    [joinRef, ref, topic, event, payload]: Frame,
  ) {
    if (topic === 'phoenix' && event === 'heartbeat') {
      send(ws, [null, ref, 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
      return;
    }
    const name = topic.replace(/^realtime:/, '');
    switch (event) {
      case 'phx_join': {
        const config = (payload.config ?? {}) as { private?: boolean };
        const token = typeof payload.access_token === 'string' ? payload.access_token : apikey;
        try {
          if (!config.private)
            throw new JoinRefused('PrivateOnly: This project only allows private channels');
          const identity = await authorise(name, token);
          clearTimeout(channels.get(topic)?.expiryTimer);
          channels.set(topic, { joinRef: joinRef as string, name, identity });
          watchExpiry(ws, channels, topic);
          send(ws, [joinRef, ref, topic, 'phx_reply', { status: 'ok', response: { postgres_changes: [] } }]);
        } catch (error) {
          if (!(error instanceof JoinRefused)) throw error;
          send(ws, [
            joinRef,
            ref,
            topic,
            'phx_reply',
            { status: 'error', response: { reason: error.message } },
          ]);
        }
        return;
      }
      case 'access_token': {
        // No reply, as on hosted Realtime; a token that no longer reads the topic ends the channel.
        if (!channels.has(topic) || typeof payload.access_token !== 'string') return;
        if (payload.access_token.startsWith('sb_')) return; // publishable keys are ignored
        try {
          const identity = await identify(payload.access_token);
          if (!(await mayReadNow(identity, name))) {
            close(
              ws,
              channels,
              topic,
              `You no longer have permission to read from this Channel topic: ${name}`,
            );
            return;
          }
          const channel = channels.get(topic);
          if (!channel) return;
          channel.identity = identity;
          watchExpiry(ws, channels, topic);
        } catch (error) {
          if (!(error instanceof JoinRefused)) throw error;
          close(ws, channels, topic, error.message.replace(/^[A-Za-z]+: /, ''));
        }
        return;
      }
      case 'phx_leave':
        clearTimeout(channels.get(topic)?.expiryTimer);
        channels.delete(topic);
        send(ws, [joinRef, ref, topic, 'phx_reply', { status: 'ok', response: {} }]);
        send(ws, [joinRef, joinRef, topic, 'phx_close', {}]);
        return;
      default:
        // Client broadcasts and presence are not used by the app: acknowledged and dropped.
        if (ref !== null) send(ws, [joinRef, ref, topic, 'phx_reply', { status: 'ok', response: {} }]);
    }
  }

  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const apikey = new URL(request.url ?? '/', 'http://localhost').searchParams.get('apikey') ?? '';
    const socket = { ws, channels: new Map<string, JoinedChannel>() };
    sockets.add(socket);
    // One frame at a time, in order: a join must be answered before a later leave is handled.
    let queue = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      if (isBinary) return; // kind-3 client broadcasts: not used by the app
      queue = queue.then(async () => {
        let frame: Frame;
        try {
          frame = JSON.parse(String(data)) as Frame;
        } catch {
          return;
        }
        await handle(ws, socket.channels, apikey, frame).catch((error) =>
          console.error('realtime stand-in: frame failed', error),
        );
      });
    });
    ws.on('close', () => {
      for (const channel of socket.channels.values()) clearTimeout(channel.expiryTimer);
      sockets.delete(socket);
    });
  });

  function onUpgrade(request: IncomingMessage, stream: Duplex, head: Buffer) {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname !== REALTIME_PATH || searchParams.get('apikey') !== options.anonKey) {
      stream.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, stream, head, (ws) => wss.emit('connection', ws, request));
  }
  server.on('upgrade', onUpgrade);

  // Broadcast from Database: the shim announces each realtime.messages row; its payload is read
  // from the table (NOTIFY payloads are limited to 8 kB).
  const listener = await startListener({
    url: options.databaseUrl,
    channel: NOTIFY_CHANNEL,
    name: 'realtime stand-in',
    onNotification: (payload) => {
      deliver(JSON.parse(payload || '{}') as { id: string; topic: string; extension: string }).catch(
        // The database went away (stopping, or an outage): the subscribers refetch when they rejoin.
        (error: Error) => console.warn(`realtime stand-in: a broadcast was not delivered (${error.message})`),
      );
    },
    onReconnect: rejoinAll,
  });

  /** Every joined channel is errored: the client rejoins it (after 1 s) and the app refetches. */
  function rejoinAll() {
    for (const { ws, channels } of sockets) {
      for (const [topic, channel] of channels) {
        clearTimeout(channel.expiryTimer);
        send(ws, [channel.joinRef, channel.joinRef, topic, 'phx_error', {}]);
      }
      channels.clear();
    }
  }

  async function deliver(row: { id: string; topic: string; extension: string }) {
    if (row.extension !== 'broadcast') return;
    const topic = `realtime:${row.topic}`;
    const listening = [...sockets].filter((socket) => socket.channels.has(topic));
    if (listening.length === 0) return;
    const { rows } = await options.pool.query<{ event: string; payload: Record<string, unknown> }>(
      'select event, payload from realtime.messages where id = $1',
      [row.id],
    );
    const message = rows[0];
    if (!message) return;
    for (const { ws } of listening) {
      send(ws, [
        null,
        null,
        topic,
        'broadcast',
        { type: 'broadcast', event: message.event, payload: message.payload },
      ]);
    }
  }

  return {
    async stop() {
      server.off('upgrade', onUpgrade);
      for (const { ws } of sockets) ws.terminate();
      wss.close();
      await listener.close();
    },
  };
}
