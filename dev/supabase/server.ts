// The local "Supabase project": one HTTP server that answers where hosted Supabase would, so the
// app only ever sees a SUPABASE_URL. Auth is under /auth/v1; Realtime joins it under /realtime/v1.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPool } from '#server/db/pool.ts';
import { createAuthStandIn } from './auth.ts';
import { attachRealtime } from './realtime.ts';
import { loadSigningKeys, type SigningKeys } from './signing-keys.ts';

export interface SupabaseStandIn {
  url: string;
  anonKey: string;
  keys: SigningKeys;
  /** Each email's latest password sign-in: the address Auth rate-limited it by. */
  signInAddresses: Map<string, string | null>;
  stop(): Promise<void>;
}

export interface SupabaseStandInOptions {
  /** Superuser connection (hosted Auth connects as its own admin role). */
  databaseUrl: string;
  /** Where the signing key is kept between runs; throwaway when omitted. */
  signingKeyFile?: string;
  anonKey?: string;
  jwtExpirySeconds?: number;
  port?: number;
}

export async function startSupabaseStandIn(options: SupabaseStandInOptions): Promise<SupabaseStandIn> {
  const { pool, end } = createPool({
    label: 'supabase stand-in',
    connectionString: options.databaseUrl,
    max: 5,
  });
  const keys = await loadSigningKeys(options.signingKeyFile);
  const anonKey = options.anonKey ?? `sb_publishable_${randomBytes(16).toString('base64url')}`;
  let url = '';
  let auth: ReturnType<typeof createAuthStandIn> | undefined;
  const signInAddresses = new Map<string, string | null>();

  const server = createServer((req, res) => {
    const requestUrl = new URL(req.url ?? '/', url);
    if (auth && requestUrl.pathname.startsWith('/auth/v1/')) {
      void auth(req, res, requestUrl);
      return;
    }
    res
      .writeHead(404, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ message: 'no Route matched' }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  auth = createAuthStandIn({
    pool,
    keys,
    apiKeys: [anonKey],
    issuer: `${url}/auth/v1`,
    jwtExpirySeconds: options.jwtExpirySeconds ?? 3600,
    onPasswordSignIn: ({ email, address }) => signInAddresses.set(email, address),
  });
  const realtime = await attachRealtime(server, {
    pool,
    databaseUrl: options.databaseUrl,
    keys,
    anonKey,
    issuer: `${url}/auth/v1`,
  });

  return {
    url,
    anonKey,
    keys,
    signInAddresses,
    async stop() {
      await realtime.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await end();
    },
  };
}
