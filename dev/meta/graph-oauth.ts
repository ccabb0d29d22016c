// Token endpoints on the Graph hosts (§2.3, §2.4, §3.2, §3.3): the Instagram short- to long-lived
// exchange and refresh on graph.instagram.com; on graph.facebook.com the Facebook Login code
// exchange, the long-lived user token exchange, and `/me/accounts`, which hands out Page tokens.
import { type CodeProblem, redeemCode } from './authorization-codes.ts';
import type { GraphCall, GraphEndpoint, PublicGraphCall } from './graph-api.ts';
import {
  expiredToken,
  GraphError,
  type GraphHost,
  invalidParameter,
  invalidToken,
  unsupportedRequest,
} from './graph-errors.ts';
import { selectFields } from './graph-fields.ts';
import { type Account, DAY_MS, type IssuedToken, TOKEN_LIFETIME_S, type TokenKind } from './world.ts';

/** The tasks a Page admin holds; MESSAGING is what `instagram_manage_messages` needs. */
const PAGE_TASKS = ['ANALYZE', 'ADVERTISE', 'MESSAGING', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'];

const CODE_ERRORS: Record<CodeProblem, { subcode: number; message: string }> = {
  unknown: { subcode: 36009, message: 'This authorization code has been used.' },
  expired: { subcode: 36007, message: 'This authorization code has expired.' },
  'redirect-mismatch': {
    subcode: 36008,
    message:
      'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
  },
};

const invalidSecret = () => new GraphError({ code: 1, message: 'Error validating client secret.' });
const invalidApp = () =>
  new GraphError({ code: 101, message: 'Error validating application. Invalid application ID.' });
const unsupportedGrant = () => new GraphError({ code: 100, message: 'Unsupported grant type' });

function onlyOn(call: PublicGraphCall, host: GraphHost, path: string): void {
  if (call.host !== host) throw unsupportedRequest(call.host, call.method, path);
}

function tokenAnswer(issued: IssuedToken) {
  return {
    access_token: issued.token,
    token_type: 'bearer',
    expires_in: TOKEN_LIFETIME_S[issued.kind],
  };
}

/** A live token of the given kind, or the 190 Graph answers for anything else. */
function liveToken(
  call: PublicGraphCall,
  token: unknown,
  kind: TokenKind,
): { issued: IssuedToken; account: Account } {
  const issued = typeof token === 'string' ? call.world.token(token) : undefined;
  const account = issued && call.world.findAccount(issued.igId);
  if (!issued || !account || issued.revoked || issued.kind !== kind) throw invalidToken();
  if (!call.world.isLive(issued)) throw expiredToken(issued.expiresAt as number);
  return { issued, account };
}

/** GET graph.instagram.com/access_token?grant_type=ig_exchange_token&client_secret&access_token=<short-lived> */
function exchangeInstagramToken(call: PublicGraphCall) {
  onlyOn(call, 'instagram', 'access_token');
  if (call.args.grant_type !== 'ig_exchange_token') throw unsupportedGrant();
  if (call.args.client_secret !== call.app.instagramAppSecret) throw invalidSecret();
  const { account } = liveToken(call, call.args.access_token, 'short-lived');
  return tokenAnswer(call.world.issueToken(account, 'long-lived'));
}

/** GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token&access_token=<long-lived> */
function refreshInstagramToken(call: PublicGraphCall) {
  onlyOn(call, 'instagram', 'refresh_access_token');
  if (call.args.grant_type !== 'ig_refresh_token') throw unsupportedGrant();
  const { issued, account } = liveToken(call, call.args.access_token, 'long-lived');
  if (call.world.now() - issued.issuedAt < DAY_MS) {
    throw new GraphError({
      code: 190,
      message:
        'Error validating access token: the token can only be refreshed once it is at least 24 hours old.',
    });
  }
  return tokenAnswer(call.world.issueToken(account, 'long-lived'));
}

/** GET graph.facebook.com/oauth/access_token: a Login code, or `fb_exchange_token`, for a user token. */
function facebookAccessToken(call: PublicGraphCall) {
  onlyOn(call, 'facebook', 'oauth');
  const { args, app, world } = call;
  if (args.client_id !== app.metaAppId) throw invalidApp();
  if (args.client_secret !== app.metaAppSecret) throw invalidSecret();
  if (args.grant_type === 'fb_exchange_token') {
    const { account } = liveToken(call, args.fb_exchange_token, 'user');
    return tokenAnswer(world.issueToken(account, 'user'));
  }
  if (args.grant_type !== undefined && args.grant_type !== 'authorization_code') throw unsupportedGrant();
  if (typeof args.code !== 'string') throw invalidParameter('Missing code parameter.');
  const redeemed = redeemCode(world, 'facebook', args.code, args.redirect_uri);
  if ('problem' in redeemed) throw new GraphError({ code: 100, ...CODE_ERRORS[redeemed.problem] });
  const { account } = redeemed;
  // A fresh consent restores a Page token that deauthorization revoked.
  const pageToken = world.token(account.accessToken);
  if (!pageToken || !world.isLive(pageToken)) world.issueToken(account, 'page');
  return tokenAnswer(world.issueToken(account, 'user'));
}

/** GET graph.facebook.com/me/accounts with a user token: the Page the user manages, with its Page token. */
function pagesOfUser(call: GraphCall) {
  onlyOn(call, 'facebook', 'me');
  const { account } = call;
  const page = {
    id: account.pageId,
    name: account.name,
    access_token: account.accessToken,
    category: 'Shopping & retail',
    tasks: PAGE_TASKS,
    instagram_business_account: { id: account.igId },
  };
  return { data: [selectFields(call, page, 'Page', ['access_token', 'category', 'name', 'tasks'])] };
}

/** `/me` with a Facebook user token: the person, by their app-scoped id. */
function facebookUser(call: GraphCall) {
  onlyOn(call, 'facebook', 'me');
  return selectFields(call, { id: call.account.appScopedUserId, name: call.account.name }, 'User', ['name']);
}

export const oauthEndpoints: GraphEndpoint[] = [
  { method: 'GET', path: 'me', auth: 'user', handle: facebookUser },
  { method: 'GET', path: 'access_token', auth: 'none', handle: exchangeInstagramToken },
  { method: 'GET', path: 'refresh_access_token', auth: 'none', handle: refreshInstagramToken },
  { method: 'GET', path: 'oauth/access_token', auth: 'none', handle: facebookAccessToken },
  { method: 'GET', path: 'me/accounts', auth: 'user', handle: pagesOfUser },
];
