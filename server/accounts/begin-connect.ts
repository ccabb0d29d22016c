// Starts "Connect Instagram": picks the workspace (one the operator administers), issues the
// state and returns the URL of Meta's consent screen.
import type { Actor } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { facebookDialogUrl } from '../meta/facebook-oauth.ts';
import type { LoginPath } from '../meta/graph-client.ts';
import { instagramAuthorizeUrl } from '../meta/instagram-oauth.ts';
import type { Services } from '../services.ts';
import { listMemberships } from '../team/index.ts';
import { issueOAuthState, type ReturnScreen } from './oauth-states.ts';

export const OAUTH_CALLBACK_PATH = '/api/instagram/oauth/callback';

export type BeginConnectServices = Pick<Services, 'db' | 'instagramOAuth' | 'facebookOAuth' | 'env'>;

export function callbackUrl(appUrl: string): string {
  return `${appUrl.replace(/\/$/, '')}${OAUTH_CALLBACK_PATH}`;
}

export async function beginConnect(
  services: BeginConnectServices,
  actor: Actor,
  request: { workspaceId?: string; loginPath: LoginPath; returnScreen?: ReturnScreen },
): Promise<{ authUrl: string; workspaceId: string }> {
  const facebook = services.facebookOAuth;
  if (request.loginPath === 'facebook' && !facebook) {
    throw new AppError(
      'BAD_INPUT',
      'Facebook Login is not configured on this server (META_APP_ID); use Instagram Login.',
    );
  }
  const memberships = await services.db.withUser(actor, (trx) => listMemberships(trx, actor.userId));
  const administered = memberships.filter((m) => m.role !== 'agent');
  const workspace = request.workspaceId
    ? administered.find((m) => m.id === request.workspaceId)
    : administered[0];
  if (!workspace) {
    throw new AppError(
      'FORBIDDEN',
      request.workspaceId && memberships.some((m) => m.id === request.workspaceId)
        ? 'Only workspace owners and admins can connect Instagram accounts.'
        : 'You are not an owner or admin of that workspace.',
    );
  }
  const state = await issueOAuthState(
    services.db,
    actor,
    workspace.id,
    request.loginPath,
    request.returnScreen,
  );
  const redirectUri = callbackUrl(services.env.APP_URL);
  const authUrl =
    facebook && request.loginPath === 'facebook'
      ? facebookDialogUrl(facebook, redirectUri, state)
      : instagramAuthorizeUrl(services.instagramOAuth, redirectUri, state);
  return { authUrl, workspaceId: workspace.id };
}
