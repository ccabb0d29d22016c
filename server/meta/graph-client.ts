// Calls to Meta's Graph API on either host: graph.instagram.com for accounts connected with
// Instagram Login, graph.facebook.com for Facebook Login (Page) ones. Tokens travel in the
// Authorization header, never in URLs (which end up in logs). Errors become GraphApiError with
// Meta's code and subcode, the only reliable way to tell what happened (reference §5.7).
import { isBranded } from '../errors.ts';
import { isConnectFailure } from '../http/connect-failure.ts';

export type LoginPath = 'instagram' | 'facebook';

export interface GraphConfig {
  instagramGraphUrl: string;
  facebookGraphUrl: string;
  version: string;
  timeoutMs?: number;
}

const GRAPH_API_ERROR: unique symbol = Symbol.for('direct-inbox.GraphApiError');
const GRAPH_NETWORK_ERROR: unique symbol = Symbol.for('direct-inbox.GraphNetworkError');

/** Meta's error answer (`instanceof` holds across module copies: see isBranded). */
export class GraphApiError extends Error {
  static override [Symbol.hasInstance] = isBranded(GRAPH_API_ERROR);
  readonly [GRAPH_API_ERROR] = true;

  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
    readonly subcode: number | null,
    readonly type: string | null,
    readonly retryAfterSeconds: number | null,
    /** Meta answered in its error envelope (not a proxy's page or an unreadable body). */
    readonly fromGraph = true,
  ) {
    super(message);
    this.name = 'GraphApiError';
  }

  /** Invalid or expired token: the account must be reconnected. */
  get isTokenInvalid(): boolean {
    return this.code === 190;
  }

  /** Meta's throttling codes (app, user, page, business use case). */
  get isRateLimited(): boolean {
    return this.status === 429 || [4, 17, 32, 341, 613].includes(this.code ?? -1);
  }

  get isTransient(): boolean {
    return this.status >= 500 || this.code === 2 || this.isRateLimited;
  }
}

/** The network failed or timed out: Meta may or may not have acted on the request. */
export class GraphNetworkError extends Error {
  static override [Symbol.hasInstance] = isBranded(GRAPH_NETWORK_ERROR);
  readonly [GRAPH_NETWORK_ERROR] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GraphNetworkError';
  }

  /**
   * True only when no connection was ever made, so Meta certainly did not receive the request.
   * A timeout or reset after connecting is ambiguous: the request may have been acted on.
   */
  get neverConnected(): boolean {
    const cause = (this.cause as { cause?: { code?: string } } | undefined)?.cause;
    return isConnectFailure(cause?.code);
  }
}

/**
 * Seconds until Meta accepts calls again: `Retry-After`, or the business use case header's
 * `estimated_time_to_regain_access` (minutes) that Graph sends with throttling errors.
 */
export function retryHintSeconds(headers: Headers): number | null {
  const retryAfter = Number(headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter;
  const usage = headers.get('x-business-use-case-usage');
  if (!usage) return null;
  try {
    const minutes = Object.values(
      JSON.parse(usage) as Record<string, { estimated_time_to_regain_access?: number }[]>,
    )
      .flat()
      .map((entry) => Number(entry.estimated_time_to_regain_access))
      .filter((value) => Number.isFinite(value) && value > 0);
    return minutes.length > 0 ? Math.max(...minutes) * 60 : null;
  } catch {
    return null; // an unreadable hint is no hint
  }
}

interface GraphErrorBody {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number };
}

export interface GraphRequest {
  loginPath: LoginPath;
  method?: 'GET' | 'POST' | 'DELETE';
  /** Path after the version, e.g. `17841400000000001/subscribed_apps`. */
  path: string;
  token: string;
  query?: Record<string, string>;
  body?: unknown;
}

export interface GraphClient {
  request<T>(request: GraphRequest): Promise<T>;
}

export function createGraphClient(config: GraphConfig, fetchImpl: typeof fetch = fetch): GraphClient {
  return {
    async request<T>({ loginPath, method = 'GET', path, token, query, body }: GraphRequest): Promise<T> {
      const base = loginPath === 'instagram' ? config.instagramGraphUrl : config.facebookGraphUrl;
      const url = new URL(`${base.replace(/\/$/, '')}/${config.version}/${path}`);
      for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
        });
      } catch (error) {
        throw new GraphNetworkError(`Graph ${method} ${url.pathname} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // A non-JSON answer is reported below with its status.
      }
      if (response.ok && parsed !== null && !(parsed as GraphErrorBody).error) return parsed as T;
      const error = (parsed as GraphErrorBody | null)?.error;
      throw new GraphApiError(
        error?.message ?? `Graph ${method} ${url.pathname} answered ${response.status}`,
        response.status,
        error?.code ?? null,
        error?.error_subcode ?? null,
        error?.type ?? null,
        retryHintSeconds(response.headers),
        parsed !== null && error !== undefined,
      );
    },
  };
}
