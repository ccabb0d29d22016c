// POST /api.instagram.com/oauth/access_token: Instagram Login's code → short-lived token exchange
// (§2.2). Unlike the Graph API it answers errors as a flat {error_type, code, error_message}, and
// the success body carries `user_id` as a bare 17-digit JSON number above 2^53, written digit by
// digit so clients that JSON.parse it lose precision exactly as they would against Meta. The
// documented `data`-wrapped shape is a switch away.

import type { MetaAppCredentials } from './app-credentials.ts';
import { type CodeProblem, redeemCode } from './authorization-codes.ts';
import type { FaultInjector } from './faults.ts';
import { parseBody, type Route, type SimResponse } from './http.ts';
import type { World } from './world.ts';

export type OAuthResponseShape = 'flat' | 'data-wrapped';

const PATH = '/api.instagram.com/oauth/access_token';
/** The path the fault injector sees, below the host like the Graph API's. */
const FAULT_PATH = '/oauth/access_token';

const MESSAGES: Record<CodeProblem, string> = {
  unknown: 'Matching code was not found or was already used',
  expired: 'This authorization code has expired.',
  'redirect-mismatch':
    'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
};

function oauthError(status: number, code: number, message: string, type = 'OAuthException'): SimResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=UTF-8' },
    body: JSON.stringify({ error_type: type, code, error_message: message }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function success(shape: OAuthResponseShape, token: string, userId: string, scopes: string[]): SimResponse {
  if (!/^\d+$/.test(userId)) throw new Error(`app-scoped user id ${userId} is not numeric`);
  const body =
    shape === 'data-wrapped'
      ? JSON.stringify({ data: [{ access_token: token, user_id: userId, permissions: scopes.join(',') }] })
      : `{"access_token":${JSON.stringify(token)},"user_id":${userId},"permissions":${JSON.stringify(scopes)}}`;
  return { status: 200, headers: { 'Content-Type': 'application/json; charset=UTF-8' }, body };
}

export function instagramTokenRoute(deps: {
  world: World;
  app: MetaAppCredentials;
  faults: FaultInjector;
  responseShape: () => OAuthResponseShape;
}): Route {
  const { world, app, faults, responseShape } = deps;
  return async (request) => {
    if (request.url.pathname !== PATH) return undefined;
    let args: Record<string, unknown>;
    try {
      args = { ...Object.fromEntries(request.url.searchParams), ...parseBody(request) };
    } catch {
      return oauthError(400, 400, 'The request body could not be parsed');
    }
    const pending = typeof args.code === 'string' ? world.findCode(args.code) : undefined;
    const fault = faults.take({ method: request.method, path: FAULT_PATH, accountIgId: pending?.igId });
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.error) {
      const status = fault.error.status ?? (fault.error.code === undefined ? 500 : 400);
      return oauthError(
        status,
        fault.error.code ?? status,
        fault.error.message ?? 'An unexpected error has occurred. Please retry your request later.',
        fault.error.type,
      );
    }

    if (request.method !== 'POST') return oauthError(400, 400, 'Unsupported request - method type: get');
    if (args.client_id !== app.instagramAppId) return oauthError(400, 400, 'Invalid platform app');
    if (args.client_secret !== app.instagramAppSecret)
      return oauthError(400, 400, 'Error validating client secret.');
    if (args.grant_type !== 'authorization_code') return oauthError(400, 400, 'Unsupported grant_type');
    const redeemed = redeemCode(world, 'instagram', args.code, args.redirect_uri);
    if ('problem' in redeemed) return oauthError(400, 400, MESSAGES[redeemed.problem]);
    const { account, code } = redeemed;
    const issued = world.issueToken(account, 'short-lived');
    return success(responseShape(), issued.token, account.appScopedUserId, code.scopes);
  };
}
