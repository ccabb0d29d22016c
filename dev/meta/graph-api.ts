// Graph API on both hosts, selected by path prefix: /graph.instagram.com/… answers Instagram user
// tokens (Instagram Login), /graph.facebook.com/… Page tokens (Facebook Login). A version prefix
// (/v25.0/) is optional, as on the real API. Every call is authenticated, run through the fault
// injector, logged, and answered in Meta's JSON; endpoints are plain objects so OAuth and the
// Send API can join the list.
import type { FaultInjector, FaultSpec } from './faults.ts';
import {
  GraphError,
  type GraphHost,
  invalidParameter,
  invalidToken,
  nonexistingField,
  unexpectedError,
  unsupportedRequest,
} from './graph-errors.ts';
import { parseBody, type Route, type SimRequest, type SimResponse } from './http.ts';
import { newFbTraceId } from './ids.ts';
import { metaJson } from './wire-json.ts';
import type { Account, LoginPath, World } from './world.ts';

export interface GraphCall {
  host: GraphHost;
  method: string;
  /** Values captured by `:name` segments of the endpoint's path. */
  params: Record<string, string>;
  /** Query parameters, overlaid with the body's (JSON or form) parameters. */
  args: Record<string, unknown>;
  /** The account the access token belongs to. */
  account: Account;
  world: World;
}

export interface GraphEndpoint {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the version, with `:name` capturing one segment, e.g. ":node/subscribed_apps". */
  path: string;
  /** JSON body of the 200 answer; throw GraphError to fail. */
  handle(call: GraphCall): unknown;
}

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

function faultError(error: NonNullable<FaultSpec['error']>): GraphError {
  if (error.code === undefined) return unexpectedError(error.status ?? 500);
  const message = error.message ?? (error.code === 190 ? invalidToken().message : undefined);
  return new GraphError({ ...error, code: error.code, message });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The requested `fields` of a node (plus `id`, which Graph always returns), in the order asked;
 * unknown names fail like Graph does. Without `fields` only `defaults` are returned.
 */
export function selectFields(
  call: GraphCall,
  node: Record<string, unknown>,
  nodeType: string,
  defaults: string[] = ['id'],
): Record<string, unknown> {
  const requested =
    typeof call.args.fields === 'string' && call.args.fields.trim() !== ''
      ? call.args.fields.split(',').map((field) => field.trim())
      : defaults;
  const selected: Record<string, unknown> = {};
  for (const field of [...requested, 'id']) {
    if (!(field in node)) throw nonexistingField(call.host, field, nodeType);
    selected[field] = node[field];
  }
  return selected;
}

export function createGraphRoute(deps: {
  world: World;
  faults: FaultInjector;
  endpoints: readonly GraphEndpoint[];
  log: GraphRequestRecord[];
}): Route {
  const { world, faults, endpoints, log } = deps;

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
    const account = token === undefined ? undefined : world.accountByToken(token);
    caller.account = account;

    const fault = faults.take({ method: request.method, path, accountIgId: account?.igId });
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.error) throw faultError(fault.error);
    if (!account || account.loginPath !== LOGIN_PATH_OF_HOST[host]) throw invalidToken();
    if (unreadableBody) throw invalidParameter('The request body could not be parsed');

    const segments = path.replace(VERSION, '').split('/').filter(Boolean);
    for (const endpoint of endpoints) {
      if (endpoint.method !== request.method) continue;
      const params = matchPath(endpoint.path, segments);
      if (params) return endpoint.handle({ host, method: request.method, params, args, account, world });
    }
    throw unsupportedRequest(host, request.method, segments[0] ?? '');
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
  return {
    status,
    headers: {
      'Content-Type': 'application/json; charset=UTF-8',
      'facebook-api-version': VERSION.exec(path)?.[1] ?? DEFAULT_VERSION,
      'x-fb-trace-id': newFbTraceId(),
    },
    body: metaJson(body),
  };
}
