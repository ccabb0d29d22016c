// The consent step of both logins (§2.1, §3.1): which authorize requests are valid, and where
// Allow or Cancel sends the browser. The HTML dialog and the control API share it, so a test that
// skips the browser gets exactly the redirect a click would have produced.
import type { MetaAppCredentials } from './app-credentials.ts';
import { type Account, type LoginPath, SimulatorInputError, type World } from './world.ts';

export interface AuthorizeRequest {
  loginPath: LoginPath;
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  scopes: string[];
}

/** The scopes a CRM asks for when none are given. */
export const DEFAULT_SCOPES: Record<LoginPath, string> = {
  instagram: 'instagram_business_basic,instagram_business_manage_messages',
  facebook:
    'instagram_basic,instagram_manage_messages,pages_show_list,pages_manage_metadata,pages_read_engagement',
};

/** Comma-separated, or space-separated as URL-encoded `+`. */
const splitScopes = (scope: string) => scope.split(/[\s,]+/).filter(Boolean);

/** The request's parameters, or why Meta would refuse to show the dialog at all. */
export function parseAuthorizeRequest(
  app: MetaAppCredentials,
  loginPath: LoginPath,
  params: URLSearchParams,
): AuthorizeRequest | { error: string } {
  const clientId = params.get('client_id') ?? '';
  const redirectUri = params.get('redirect_uri') ?? '';
  const responseType = params.get('response_type');
  const scopes = splitScopes(params.get('scope') ?? '');
  const appId = loginPath === 'instagram' ? app.instagramAppId : app.metaAppId;
  if (clientId !== appId) return { error: `Invalid app ID: ${clientId || '(none)'}` };
  if (!/^https?:\/\//.test(redirectUri) || !URL.canParse(redirectUri))
    return { error: 'Invalid redirect_uri: it must be an absolute http(s) URL' };
  if (loginPath === 'instagram') {
    if (responseType !== 'code') return { error: 'Invalid response_type: it must be "code"' };
    if (!scopes.includes('instagram_business_basic'))
      return { error: 'Invalid scope: instagram_business_basic is required' };
  } else if (responseType !== null && responseType !== 'code') {
    return { error: 'Invalid response_type: it must be "code"' };
  }
  return { loginPath, clientId, redirectUri, state: params.get('state') ?? undefined, scopes };
}

/** Where the browser goes after Allow (a fresh code for the account) or Cancel (`account` null). */
export function consentRedirect(world: World, request: AuthorizeRequest, account: Account | null): string {
  const location = new URL(request.redirectUri);
  location.hash = '';
  if (account) {
    if (account.loginPath !== request.loginPath)
      throw new SimulatorInputError(`@${account.username} cannot log in with ${request.loginPath} login`);
    location.searchParams.set('code', world.issueCode(account, request.redirectUri, request.scopes).code);
  } else {
    location.searchParams.set('error', 'access_denied');
    location.searchParams.set('error_reason', 'user_denied');
    location.searchParams.set('error_description', 'The user denied your request');
  }
  if (request.state !== undefined) location.searchParams.set('state', request.state);
  // Instagram appends `#_`, which clients must strip before exchanging the code.
  return account && request.loginPath === 'instagram' ? `${location}#_` : location.toString();
}
