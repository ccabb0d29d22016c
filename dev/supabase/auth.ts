// Local stand-in for Supabase Auth (GoTrue): the /auth/v1 subset supabase-js and @supabase/ssr
// use for email + password accounts. Users, sessions and refresh tokens live in GoTrue's own
// tables (auth.users, auth.sessions, auth.refresh_tokens); tokens carry GoTrue's claim shape and
// are signed with the project's ES256 key. Wire details: reference/supabase-local-protocols.md.
import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import { importJWK, errors as joseErrors, jwtVerify } from 'jose';
import type pg from 'pg';
import type { SigningKeys } from './signing-keys.ts';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const API_VERSION = '2024-01-01';
const MIN_PASSWORD_LENGTH = 6;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface AuthStandInOptions {
  pool: pg.Pool;
  keys: SigningKeys;
  /** Keys the API gateway accepts in the `apikey` header. */
  apiKeys: string[];
  /** `<SUPABASE_URL>/auth/v1`, the `iss` of every token. */
  issuer: string;
  jwtExpirySeconds: number;
  /** Told of every password sign-in, with the address Auth rate-limits it by. */
  onPasswordSignIn?: (signIn: PasswordSignIn) => void;
}

export interface PasswordSignIn {
  email: string;
  /** `Sb-Forwarded-For` when it names an address (the project forwards addresses), else the peer's. */
  address: string | null;
}

/** How long a just-rotated refresh token still works (concurrent tabs): Supabase's default. */
const REFRESH_REUSE_INTERVAL_MS = 10_000;

interface UserRow {
  id: string;
  email: string;
  encrypted_password: string;
  raw_app_meta_data: Record<string, unknown>;
  raw_user_meta_data: Record<string, unknown>;
  email_confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function createAuthStandIn(options: AuthStandInOptions) {
  const { pool, keys, issuer, jwtExpirySeconds } = options;
  const verifyKey = importJWK(keys.publicJwk, 'ES256');

  async function hashPassword(password: string): Promise<string> {
    const salt = randomBytes(16);
    const hash = await scryptAsync(password, salt, 32);
    return `$scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
  }

  async function passwordMatches(password: string, stored: string): Promise<boolean> {
    const [, , salt, hash] = stored.split('$');
    if (!salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length);
    return timingSafeEqual(actual, expected);
  }

  function userJson(user: UserRow) {
    const iso = (d: Date | null) => d?.toISOString();
    return {
      id: user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: user.email,
      email_confirmed_at: iso(user.email_confirmed_at),
      confirmed_at: iso(user.email_confirmed_at),
      last_sign_in_at: iso(user.last_sign_in_at),
      phone: '',
      app_metadata: user.raw_app_meta_data,
      user_metadata: user.raw_user_meta_data,
      identities: [],
      created_at: iso(user.created_at),
      updated_at: iso(user.updated_at),
      is_anonymous: false,
    };
  }

  async function issueSession(user: UserRow, sessionId: string, refreshToken: string) {
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await keys.sign({
      iss: issuer,
      sub: user.id,
      aud: 'authenticated',
      exp: now + jwtExpirySeconds,
      iat: now,
      email: user.email,
      phone: '',
      app_metadata: user.raw_app_meta_data,
      user_metadata: user.raw_user_meta_data,
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: now }],
      session_id: sessionId,
      is_anonymous: false,
    });
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: jwtExpirySeconds,
      expires_at: now + jwtExpirySeconds,
      refresh_token: refreshToken,
      user: userJson(user),
    };
  }

  async function startSession(user: UserRow) {
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken();
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(
        'insert into auth.sessions (id, user_id, created_at, updated_at) values ($1, $2, now(), now())',
        [sessionId, user.id],
      );
      await client.query(
        `insert into auth.refresh_tokens (token, user_id, revoked, session_id, created_at, updated_at)
         values ($1, $2, false, $3, now(), now())`,
        [refreshToken, user.id, sessionId],
      );
      const { rows } = await client.query<UserRow>(
        'update auth.users set last_sign_in_at = now() where id = $1 returning *',
        [user.id],
      );
      await client.query('commit');
      return issueSession(rows[0] as UserRow, sessionId, refreshToken);
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  }

  async function signup(body: Record<string, unknown>) {
    const email = normaliseEmail(body.email);
    const password = typeof body.password === 'string' ? body.password : '';
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new AuthError(
        422,
        'weak_password',
        `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`,
        {
          weak_password: { reasons: ['length'] },
        },
      );
    }
    const metadata = isRecord(body.data) ? body.data : {};
    // Auto-confirm, as a local Supabase project does by default: the sign-up returns a session.
    const { rows } = await pool.query<UserRow>(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
         raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, $3, now(),
         '{"provider":"email","providers":["email"]}', $4, now(), now())
       on conflict (email) where is_sso_user = false do nothing
       returning *`,
      [randomUUID(), email, await hashPassword(password), JSON.stringify(metadata)],
    );
    const user = rows[0];
    if (!user) throw new AuthError(422, 'user_already_exists', 'User already registered');
    return startSession(user);
  }

  async function passwordGrant(req: IncomingMessage, body: Record<string, unknown>) {
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    options.onPasswordSignIn?.({ email, address: rateLimitAddress(req) });
    const password = typeof body.password === 'string' ? body.password : '';
    const { rows } = await pool.query<UserRow>(
      'select * from auth.users where email = $1 and deleted_at is null',
      [email],
    );
    const user = rows[0];
    if (!user || !(await passwordMatches(password, user.encrypted_password))) {
      throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
    }
    return startSession(user);
  }

  async function refreshGrant(body: Record<string, unknown>) {
    const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{
        token: string;
        revoked: boolean;
        updated_at: Date;
        session_id: string;
        user_id: string;
      }>(
        'select token, revoked, updated_at, session_id, user_id from auth.refresh_tokens where token = $1 for update',
        [token],
      );
      const row = rows[0];
      if (!row)
        throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');

      let next: string;
      if (row.revoked) {
        const child = await client.query<{ token: string }>(
          'select token from auth.refresh_tokens where session_id = $1 and revoked = false order by id desc limit 1',
          [row.session_id],
        );
        const withinReuseWindow = Date.now() - row.updated_at.getTime() < REFRESH_REUSE_INTERVAL_MS;
        if (!withinReuseWindow || !child.rows[0]) {
          // Reuse of an old token looks like theft: GoTrue ends the whole session.
          await client.query('delete from auth.sessions where id = $1', [row.session_id]);
          await client.query('commit');
          throw new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
        }
        next = child.rows[0].token;
      } else {
        next = newRefreshToken();
        await client.query(
          'update auth.refresh_tokens set revoked = true, updated_at = now() where token = $1',
          [token],
        );
        await client.query(
          `insert into auth.refresh_tokens (token, user_id, revoked, parent, session_id, created_at, updated_at)
           values ($1, $2, false, $3, $4, now(), now())`,
          [next, row.user_id, token, row.session_id],
        );
        await client.query(
          'update auth.sessions set refreshed_at = now(), updated_at = now() where id = $1',
          [row.session_id],
        );
      }
      const user = await client.query<UserRow>('select * from auth.users where id = $1', [row.user_id]);
      await client.query('commit');
      return issueSession(user.rows[0] as UserRow, row.session_id, next);
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** The user and session behind a bearer token, as GoTrue checks it for /user and /logout. */
  async function authorise(req: IncomingMessage): Promise<{ user: UserRow; sessionId: string }> {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
    let claims: { sub?: string; session_id?: string };
    try {
      ({ payload: claims } = await jwtVerify(token, await verifyKey, { issuer }));
    } catch (error) {
      const detail =
        error instanceof joseErrors.JWTExpired ? 'token is expired' : 'unable to parse or verify signature';
      throw new AuthError(403, 'bad_jwt', `invalid JWT: ${detail}`);
    }
    const session = await pool.query('select 1 from auth.sessions where id = $1', [claims.session_id]);
    if (!session.rowCount) {
      throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
    }
    const { rows } = await pool.query<UserRow>('select * from auth.users where id = $1', [claims.sub]);
    if (!rows[0]) throw new AuthError(404, 'user_not_found', 'User from sub claim in JWT does not exist');
    return { user: rows[0], sessionId: claims.session_id as string };
  }

  async function logout(req: IncomingMessage, scope: string) {
    const { user, sessionId } = await authorise(req);
    if (scope === 'local') await pool.query('delete from auth.sessions where id = $1', [sessionId]);
    else if (scope === 'others') {
      await pool.query('delete from auth.sessions where user_id = $1 and id <> $2', [user.id, sessionId]);
    } else await pool.query('delete from auth.sessions where user_id = $1', [user.id]);
  }

  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    setCors(req, res);
    if (req.method === 'OPTIONS') return send(res, 204);
    try {
      const route = `${req.method} ${url.pathname.replace(/^\/auth\/v1/, '')}`;
      if (route === 'GET /.well-known/jwks.json') return send(res, 200, { keys: [keys.publicJwk] });
      if (route === 'GET /health')
        return send(res, 200, { name: 'GoTrue (local stand-in)', version: 'local' });

      const apiKey = req.headers.apikey ?? url.searchParams.get('apikey');
      if (typeof apiKey !== 'string' || !options.apiKeys.includes(apiKey)) {
        return send(res, 401, {
          message: 'Invalid API key',
          hint: 'Double check your Supabase `anon` or `service_role` API key.',
        });
      }

      switch (route) {
        case 'POST /signup':
          return send(res, 200, await signup(await readJson(req)));
        case 'POST /token': {
          const grant = url.searchParams.get('grant_type');
          if (grant === 'password') return send(res, 200, await passwordGrant(req, await readJson(req)));
          if (grant === 'refresh_token') return send(res, 200, await refreshGrant(await readJson(req)));
          throw new AuthError(400, 'validation_failed', `Unsupported grant type: ${grant ?? '(none)'}`);
        }
        case 'GET /user':
          return send(res, 200, userJson((await authorise(req)).user));
        case 'POST /logout':
          await logout(req, url.searchParams.get('scope') ?? 'global');
          return send(res, 204);
        default:
          throw new AuthError(404, 'not_found', `No Auth endpoint ${route}`);
      }
    } catch (error) {
      if (error instanceof AuthError) {
        res.setHeader('x-sb-error-code', error.code);
        return send(res, error.status, { code: error.code, message: error.message, ...error.extra });
      }
      console.error('[auth stand-in]', error);
      return send(res, 500, { code: 'unexpected_failure', message: 'Unexpected failure' });
    }
  };
}

/** As GoTrue with IP address forwarding on: the first entry of Sb-Forwarded-For, if an address. */
function rateLimitAddress(req: IncomingMessage): string | null {
  const forwarded =
    String(req.headers['sb-forwarded-for'] ?? '')
      .split(',')[0]
      ?.trim() ?? '';
  return isIP(forwarded) ? forwarded : (req.socket.remoteAddress ?? null);
}

function normaliseEmail(value: unknown): string {
  const email = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!EMAIL.test(email))
    throw new AuthError(400, 'validation_failed', 'Unable to validate email address: invalid format');
  return email;
}

function newRefreshToken(): string {
  return randomBytes(16).toString('base64url');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value)) return value;
  } catch {
    // fall through to the validation error below
  }
  throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON');
}

function setCors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
  res.setHeader(
    'Access-Control-Allow-Headers',
    'apikey, authorization, content-type, x-client-info, x-supabase-api-version',
  );
  res.setHeader('Access-Control-Expose-Headers', 'X-Supabase-Api-Version, x-sb-error-code');
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.setHeader('X-Supabase-Api-Version', API_VERSION);
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
