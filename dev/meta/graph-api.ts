// Graph API on both hosts, selected by path prefix: /graph.instagram.com/… answers Instagram user
// tokens (Instagram Login), /graph.facebook.com/… Page tokens (Facebook Login). A version prefix
// (/v25.0/) is optional, as on the real API. Every call is authenticated, run through the fault
// injector, logged, and answered in Meta's JSON; endpoints are plain objects so OAuth and the
// Send API can join the list. Most endpoints act for the account a token belongs to; a few take a
// Facebook user token, and the OAuth token endpoints check their own credentials.
import type { MetaAppCredentials } from './app-credentials.ts';
import type { Fault, FaultInjector, FaultSpec } from './faults.ts';
import {
  expiredToken,
  GraphError,
  type GraphHost,
  invalidParameter,
  invalidToken,
  unexpectedError,
  unsupportedRequest,
} from './graph-errors.ts';
import { parseBody, type Route, type SimRequest, type SimResponse } from './http.ts';
import { newFbTraceId } from './ids.ts';
import { metaJson } from './wire-json.ts';
import type { Account, IssuedToken, LoginPath, World } from './world.ts';

export interface PublicGraphCall {
  host: GraphHost;
  method: string;
  /** Values captured by `:name` segments of the endpoint's path. */
  params: Record<string, string>;
  /** Query parameters, overlaid with the body's (JSON or form) parameters. */
  args: Record<string, unknown>;
  /** The request's URL, which `next` links of paged answers are built from. */
  url: URL;
  world: World;
  app: MetaAppCredentials;
}

export interface GraphCall extends PublicGraphCall {
  /** The account the access token acts for. */
  account: Account;
}

interface EndpointBase {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the version, with `:name` capturing one segment, e.g. ":node/subscribed_apps". */
  path: string;
}

export type GraphEndpoint =
  | (EndpointBase & {
      /** Which token it takes: the account's (Instagram user or Page token, the default) or a Facebook user token. */
      auth?: 'account' | 'user';
      /** JSON body of the 200 answer; throw GraphError to fail. */
      handle(call: GraphCall): unknown;
    })
  | (EndpointBase & {
      /** No access token required: the endpoint checks the credentials it is given. */
      auth: 'none';
      handle(call: PublicGraphCall): unknown;
    });

export interface GraphRequestRecord {
  method: string;
  host: GraphHost;
  path: string;
  accountIgId: string | null;
  status: number;
  errorCode: number | null;
}

const HOST_PREFIX = /^\/graph\.(instagram|facebook)\.com(\/.*)?$/;
const VERSION = /^\/(v\d+\.0)(?=\/|$)/;
const DEFAULT_VERSION = 'v25.0';
const LOGIN_PATH_OF_HOST: Record<GraphHost, LoginPath> = { instagram: 'instagram', facebook: 'facebook' };

function accessToken(request: SimRequest, args: Record<string, unknown>): string | undefined {
  if (typeof args.access_token === 'string') return args.access_token;
  return /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

function matchPath(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] as string;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(segment);
    else if (part !== segment) return undefined;
  }
  return params;
}

function faultError(error: NonNullable<FaultSpec['error']>, retryAfterSeconds?: number): GraphError {
  const graphError =
    error.code === undefined
      ? unexpectedError(error.status ?? 500)
      : new GraphError({
          ...error,
          code: error.code,
          message: error.message ?? (error.code === 190 ? invalidToken().message : undefined),
        });
  graphError.retryAfterSeconds = retryAfterSeconds;
  return graphError;
}

/**
 * The endpoint for a call. Graph serves some paths to several kinds of token (`/me` is the
 * account for a Page or Instagram token, the person for a Facebook user token), so among
 * matches the one for the caller's kind of token wins.
 */
function findEndpoint(
  endpoints: readonly GraphEndpoint[],
  method: string,
  segments: string[],
  userToken: boolean,
) {
  const matches = endpoints.flatMap((endpoint) => {
    const params = endpoint.method === method ? matchPath(endpoint.path, segments) : undefined;
    return params ? [{ endpoint, params }] : [];
  });
  return matches.find((m) => (m.endpoint.auth === 'user') === userToken) ?? matches[0];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The account a `:node` path segment names, which must be the token's own: `me` or its IG_ID on
 * graph.instagram.com, `me` or its Page on graph.facebook.com.
 */
export function ownNode(call: GraphCall): Account {
  const { account, host } = call;
  const node = call.params.node as string;
  const own = host === 'instagram' ? account.igId : account.pageId;
  if (node !== 'me' && node !== own) throw unsupportedRequest(host, call.method, node);
  return account;
}

/** The token's account, or the 190 Graph answers for a missing, unknown, revoked or expired token. */
function authenticate(
  world: World,
  issued: IssuedToken | undefined,
  host: GraphHost,
  user: boolean,
): Account {
  if (!issued || issued.revoked) throw invalidToken();
  if (!world.isLive(issued)) throw expiredToken(issued.expiresAt as number);
  const account = world.findAccount(issued.igId);
  if (!account || account.loginPath !== LOGIN_PATH_OF_HOST[host] || (issued.kind === 'user') !== user)
    throw invalidToken();
  return account;
}

export function createGraphRoute(deps: {
  world: World;
  app: MetaAppCredentials;
  faults: FaultInjector;
  endpoints: readonly GraphEndpoint[];
  log: GraphRequestRecord[];
  /** The webhooks a call causes: count them before, wait for their first POST after. */
  webhooks: { queuedSoFar(): number; firstAttempts(after: number): Promise<void> };
}): Route {
  const { world, app, faults, endpoints, log, webhooks } = deps;

  async function answer(request: SimRequest, host: GraphHost, path: string, caller: { account?: Account }) {
    const query = Object.fromEntries(request.url.searchParams);
    let args: Record<string, unknown> = query;
    let unreadableBody = false;
    try {
      args = { ...query, ...parseBody(request) };
    } catch {
      unreadableBody = true;
    }
    const token = accessToken(request, args);
    const issued = token === undefined ? undefined : world.token(token);
    caller.account = issued === undefined ? undefined : world.findAccount(issued.igId);

    const fault = faults.take({ method: request.method, path, accountIgId: caller.account?.igId });
    if (fault && !fault.after) await applyFault(fault);
    const queuedBefore = webhooks.queuedSoFar();
    const result = await handle(request, host, path, args, issued, unreadableBody);
    if (fault?.after) await applyFault(fault, queuedBefore);
    return result;
  }

  /** `queuedBefore`: for faults after the call, whose webhooks `webhooksFirst` waits for. */
  async function applyFault(fault: Fault, queuedBefore?: number): Promise<void> {
    if (fault.webhooksFirst && queuedBefore !== undefined) await webhooks.firstAttempts(queuedBefore);
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.error) throw faultError(fault.error, fault.retryAfterSeconds);
  }

  function handle(
    request: SimRequest,
    host: GraphHost,
    path: string,
    args: Record<string, unknown>,
    issued: IssuedToken | undefined,
    unreadableBody: boolean,
  ) {
    const segments = path.replace(VERSION, '').split('/').filter(Boolean);
    const found = findEndpoint(endpoints, request.method, segments, issued?.kind === 'user');
    if (found?.endpoint.auth === 'none') {
      if (unreadableBody) throw invalidParameter('The request body could not be parsed');
      return found.endpoint.handle({
        host,
        method: request.method,
        params: found.params,
        args,
        url: request.url,
        world,
        app,
      });
    }
    const account = authenticate(world, issued, host, found?.endpoint.auth === 'user');
    if (unreadableBody) throw invalidParameter('The request body could not be parsed');
    if (!found) throw unsupportedRequest(host, request.method, segments[0] ?? '');
    return found.endpoint.handle({
      host,
      method: request.method,
      params: found.params,
      args,
      url: request.url,
      account,
      world,
      app,
    });
  }

  return async (request) => {
    const match = HOST_PREFIX.exec(request.url.pathname);
    if (!match) return undefined;
    const host = match[1] as GraphHost;
    const path = match[2] ?? '/';
    const caller: { account?: Account } = {};
    let response: SimResponse;
    let errorCode: number | null = null;
    try {
      response = graphJson(200, await answer(request, host, path, caller), path);
    } catch (error) {
      if (!(error instanceof GraphError)) console.error('meta simulator: Graph endpoint failed', error);
      const graphError =
        error instanceof GraphError
          ? error
          : new GraphError({ status: 500, code: 1, message: 'An unknown error has occurred.' });
      errorCode = graphError.code;
      response = graphJson(graphError.status, graphError, path);
    }
    log.push({
      method: request.method,
      host,
      path,
      accountIgId: caller.account?.igId ?? null,
      status: response.status,
      errorCode,
    });
    return response;
  };
}

function graphJson(status: number, body: unknown, path: string): SimResponse {
  const retryAfter = body instanceof GraphError ? body.retryAfterSeconds : undefined;
  return {
    status,
    headers: {
      ...(retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) }),
      'Content-Type': 'application/json; charset=UTF-8',
      'facebook-api-version': VERSION.exec(path)?.[1] ?? DEFAULT_VERSION,
      'x-fb-trace-id': newFbTraceId(),
    },
    body: metaJson(body),
  };
}
