// Business Login for Instagram (reference §2): the authorize URL, code → short-lived token,
// short → long-lived (60 days), refresh. Meta's answers differ from the docs in ways that
// matter: the code exchange may be flat or wrapped in `data`, and its `user_id` is a JSON number
// above 2^53, so it is read from the raw text, never through a JS number.
import { z } from 'zod';

export interface InstagramOAuthConfig {
  /** https://www.instagram.com */
  oauthUrl: string;
  /** https://api.instagram.com */
  apiUrl: string;
  /** https://graph.instagram.com */
  graphUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
}

/** Messages, and the comments on the business's posts (read, answer, hide, delete). */
export const INSTAGRAM_SCOPES = [
  'instagram_business_basic',
  'instagram_business_manage_messages',
  'instagram_business_manage_comments',
];

export class OAuthExchangeError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Meta's code (190 for a bad token), when it gave one. */
    readonly code: number | null,
  ) {
    super(message);
    this.name = 'OAuthExchangeError';
  }
}

/** Base URLs may carry a path (the local Meta simulator serves each host under a prefix). */
function endpoint(base: string, path: string): URL {
  return new URL(`${base.replace(/\/$/, '')}${path}`);
}

export function instagramAuthorizeUrl(
  config: InstagramOAuthConfig,
  redirectUri: string,
  state: string,
): string {
  const url = endpoint(config.oauthUrl, '/oauth/authorize');
  url.search = new URLSearchParams({
    client_id: config.appId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: INSTAGRAM_SCOPES.join(','),
    state,
  }).toString();
  return url.toString();
}

/** Meta appends `#_` to the code in the redirect; browsers usually drop it, but not always. */
export function cleanAuthorizationCode(code: string): string {
  return code.replace(/#_$/, '');
}

export interface ShortLivedToken {
  accessToken: string;
  /** The Instagram app-scoped user id (what deauthorize and data-deletion callbacks carry). */
  userId: string;
  permissions: string[];
}

const CodeExchange = z.object({
  access_token: z.string().min(1),
  permissions: z
    .union([z.array(z.string()), z.string().transform((s) => s.split(',').filter(Boolean))])
    .optional(),
});

export function parseCodeExchange(raw: string): ShortLivedToken {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new OAuthExchangeError(
      'Instagram answered the code exchange with something that is not JSON',
      502,
      null,
    );
  }
  const wrapped = z.object({ data: z.array(z.unknown()).min(1) }).safeParse(json);
  const token = CodeExchange.safeParse(wrapped.success ? wrapped.data.data[0] : json);
  // The first user_id in the text, quoted or not: exact digits, whatever the shape.
  const userId = /"user_id"\s*:\s*"?(\d+)"?/.exec(raw)?.[1];
  if (!token.success || !userId) {
    throw new OAuthExchangeError(
      'Instagram answered the code exchange without a token and user id',
      502,
      null,
    );
  }
  return { accessToken: token.data.access_token, userId, permissions: token.data.permissions ?? [] };
}

const LongLived = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
});

export interface LongLivedToken {
  accessToken: string;
  expiresAt: Date;
}

interface MetaErrorBody {
  error?: { message?: string; code?: number } | string;
  error_message?: string;
  error_description?: string;
  code?: number;
}

async function call(config: InstagramOAuthConfig, url: URL, init: RequestInit = {}): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(config.timeoutMs ?? 10_000) });
  } catch (error) {
    throw new OAuthExchangeError(`Instagram could not be reached (${(error as Error).message})`, 504, null);
  }
  const text = await response.text();
  if (response.ok) return text;
  let body: MetaErrorBody = {};
  try {
    body = JSON.parse(text) as MetaErrorBody;
  } catch {
    // reported with the status below
  }
  const graph = typeof body.error === 'object' ? body.error : undefined;
  const message = graph?.message ?? body.error_message ?? body.error_description ?? `HTTP ${response.status}`;
  throw new OAuthExchangeError(message, response.status, graph?.code ?? null);
}

/** code → short-lived token (form POST with the app secret; server-side only). */
export async function exchangeCode(
  config: InstagramOAuthConfig,
  code: string,
  redirectUri: string,
): Promise<ShortLivedToken> {
  const body = new URLSearchParams({
    client_id: config.appId,
    client_secret: config.appSecret,
    grant_type: 'authorization_code',
    redirect_uri: redirectUri,
    code: cleanAuthorizationCode(code),
  });
  return parseCodeExchange(
    await call(config, endpoint(config.apiUrl, '/oauth/access_token'), { method: 'POST', body }),
  );
}

function parseLongLived(raw: string, now: number): LongLivedToken {
  const parsed = LongLived.safeParse(JSON.parse(raw));
  if (!parsed.success)
    throw new OAuthExchangeError('Instagram answered without a long-lived token', 502, null);
  return { accessToken: parsed.data.access_token, expiresAt: new Date(now + parsed.data.expires_in * 1000) };
}

/** short-lived (1 h) → long-lived (60 days). */
export async function exchangeForLongLived(
  config: InstagramOAuthConfig,
  shortLived: string,
): Promise<LongLivedToken> {
  const url = endpoint(config.graphUrl, '/access_token');
  url.search = new URLSearchParams({
    grant_type: 'ig_exchange_token',
    client_secret: config.appSecret,
    access_token: shortLived,
  }).toString();
  return parseLongLived(await call(config, url), Date.now());
}

/** A long-lived token at least 24 h old → a new one, valid 60 days from now. */
export async function refreshLongLived(
  config: InstagramOAuthConfig,
  longLived: string,
): Promise<LongLivedToken> {
  const url = endpoint(config.graphUrl, '/refresh_access_token');
  url.search = new URLSearchParams({ grant_type: 'ig_refresh_token', access_token: longLived }).toString();
  return parseLongLived(await call(config, url), Date.now());
}
