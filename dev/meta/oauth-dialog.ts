// The login dialogs a browser is sent to (§2.1, §3.1): GET /www.instagram.com/oauth/authorize
// (and the older /api.instagram.com/oauth/authorize) for Instagram Login, GET
// /www.facebook.com/{vNN.0/}dialog/oauth for Facebook Login. GET shows the consent page; its form
// POSTs back to the same URL, and Allow or Cancel answers with the 302 to the app's redirect_uri.
// A malformed request gets an error page, never a redirect, as on Meta.
import type { MetaAppCredentials } from './app-credentials.ts';
import type { Route, SimRequest, SimResponse } from './http.ts';
import { consentRedirect, parseAuthorizeRequest } from './oauth-consent.ts';
import { consentPage, errorPage, NEW_ACCOUNT } from './oauth-pages.ts';
import { type Account, type LoginPath, SimulatorInputError, type World } from './world.ts';

const DIALOGS: [RegExp, LoginPath][] = [
  [/^\/(?:www|api)\.instagram\.com\/oauth\/authorize\/?$/, 'instagram'],
  [/^\/www\.facebook\.com\/(?:v\d+\.0\/)?dialog\/oauth\/?$/, 'facebook'],
];

/** The account picked on the consent page, created first when "New account" was chosen. */
function chosenAccount(world: World, loginPath: LoginPath, form: URLSearchParams): Account {
  const choice = form.get('account') ?? '';
  if (choice !== NEW_ACCOUNT) return world.account(choice);
  const username = (form.get('new_username') ?? '').trim();
  if (username === '') throw new SimulatorInputError('Enter a username for the new account');
  return world.addAccount({ username, loginPath });
}

function submit(
  world: World,
  app: MetaAppCredentials,
  loginPath: LoginPath,
  request: SimRequest,
): SimResponse {
  const form = new URLSearchParams(request.body.toString('utf8'));
  const parsed = parseAuthorizeRequest(app, loginPath, form);
  if ('error' in parsed) return errorPage(loginPath, parsed.error);
  try {
    const account = form.get('decision') === 'allow' ? chosenAccount(world, loginPath, form) : null;
    const location = consentRedirect(world, parsed, account);
    return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' }, body: '' };
  } catch (error) {
    if (error instanceof SimulatorInputError) return errorPage(loginPath, error.message);
    throw error;
  }
}

export function oauthDialogRoute(world: World, app: MetaAppCredentials): Route {
  return (request) => {
    const loginPath = DIALOGS.find(([pattern]) => pattern.test(request.url.pathname))?.[1];
    if (!loginPath) return undefined;
    if (request.method === 'POST') return submit(world, app, loginPath, request);
    const params = request.url.searchParams;
    const parsed = parseAuthorizeRequest(app, loginPath, params);
    if ('error' in parsed) return errorPage(loginPath, parsed.error);
    return consentPage({
      loginPath,
      appId: parsed.clientId,
      scopes: parsed.scopes,
      params,
      accounts: world.accounts().filter((account) => account.loginPath === loginPath),
    });
  };
}
