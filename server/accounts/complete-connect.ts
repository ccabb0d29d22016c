// Completes "Connect Instagram" on either login path. The state proves who asked and for which
// workspace; the code becomes a long-lived token (Instagram Login) or Page tokens (Facebook
// Login); each Instagram professional account is subscribed to webhooks and stored with its
// token encrypted. Reconnecting an account clears a needs-reauth state.

import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { exchangeFacebookCode } from '../meta/facebook-oauth.ts';
import { fetchMe, sealToken, subscribeApp, WEBHOOK_FIELDS } from '../meta/graph-api.ts';
import type { LoginPath } from '../meta/graph-client.ts';
import { exchangeCode, exchangeForLongLived, OAuthExchangeError } from '../meta/instagram-oauth.ts';
import type { Services } from '../services.ts';
import { findLiveConnection, insertConnection, updateConnection } from './connections.repository.ts';
import { consumeOAuthState, type ReturnScreen } from './oauth-states.ts';

export type ConnectServices = Pick<Services, 'db' | 'cipher' | 'graph' | 'instagramOAuth' | 'facebookOAuth'>;

/** One Instagram account the operator granted, with what is needed to store it. */
interface Grant {
  loginPath: LoginPath;
  igId: string;
  username: string;
  /** The profile's display name and picture, shown on the Accounts screen. */
  name: string | null;
  pictureUrl: string | null;
  token: string;
  /** Null for Page tokens, which do not expire. */
  expiresAt: Date | null;
  authorizingUserId: string;
  /** Instagram Login: the app-scoped user id. Facebook Login: the Page id. */
  providerAccountId: string;
  permissions: string[];
}

export interface ConnectedAccount {
  connectionId: string;
  username: string;
}

function friendly(error: OAuthExchangeError): AppError {
  if (error.status === 400) {
    return new AppError(
      'BAD_INPUT',
      'Instagram did not accept the sign-in code (it expired or was already used). Try connecting again.',
    );
  }
  return new AppError('UNAVAILABLE', `Instagram could not complete the connection: ${error.message}`);
}

async function instagramGrants(
  services: ConnectServices,
  code: string,
  redirectUri: string,
): Promise<Grant[]> {
  const shortLived = await exchangeCode(services.instagramOAuth, code, redirectUri);
  const token = await exchangeForLongLived(services.instagramOAuth, shortLived.accessToken);
  const me = await fetchMe(services.graph, token.accessToken);
  return [
    {
      loginPath: 'instagram',
      igId: me.userId, // the id webhooks carry
      username: me.username,
      name: me.name,
      pictureUrl: me.pictureUrl,
      token: token.accessToken,
      expiresAt: token.expiresAt,
      authorizingUserId: shortLived.userId,
      providerAccountId: shortLived.userId,
      permissions: shortLived.permissions,
    },
  ];
}

async function facebookGrants(
  services: ConnectServices,
  code: string,
  redirectUri: string,
): Promise<Grant[]> {
  if (!services.facebookOAuth)
    throw new AppError('BAD_INPUT', 'Facebook Login is not configured (META_APP_ID).');
  const grant = await exchangeFacebookCode(services.facebookOAuth, services.graph, code, redirectUri);
  if (grant.accounts.length === 0) {
    throw new AppError(
      'BAD_INPUT',
      'None of the Facebook Pages you granted has an Instagram professional account linked.',
    );
  }
  return grant.accounts.map((account) => ({
    loginPath: 'facebook' as const,
    igId: account.igId,
    username: account.username,
    name: account.name,
    pictureUrl: account.pictureUrl,
    token: account.pageToken,
    expiresAt: null,
    authorizingUserId: grant.userId,
    providerAccountId: account.pageId,
    permissions: [],
  }));
}

async function store(
  services: ConnectServices,
  actor: Actor,
  workspaceId: string,
  grant: Grant,
): Promise<string> {
  return services.db
    .withService(async (trx) => {
      const live = await findLiveConnection(trx, grant.igId);
      if (live && live.workspace_id !== workspaceId) {
        throw new AppError('CONFLICT', `@${grant.username} is already connected to another workspace.`);
      }
      const id = live?.id ?? randomUUID();
      const values = {
        display_name: `@${grant.username}`,
        profile_name: grant.name,
        profile_picture_url: grant.pictureUrl,
        login_path: grant.loginPath,
        provider_account_id: grant.providerAccountId,
        authorizing_user_id: grant.authorizingUserId,
        permissions: grant.permissions,
        access_token: sealToken(services.cipher, id, grant.token),
        token_expires_at: grant.expiresAt,
        token_refreshed_at: new Date(),
        status: 'CONNECTED' as const,
        is_active: true,
        needs_reauth_reason: null,
        disconnected_at: null,
        webhook_fields: WEBHOOK_FIELDS,
        webhook_subscribed_at: new Date(),
        user_id: actor.userId,
      };
      if (live) await updateConnection(trx, id, values);
      else {
        await insertConnection(trx, {
          ...values,
          id,
          workspace_id: workspaceId,
          channel_identifier: grant.igId,
        });
      }
      await recordAudit(trx, actor.userId, {
        workspaceId,
        action: 'account.connect',
        target: `@${grant.username}`,
        detail: { loginPath: grant.loginPath, reconnected: live !== undefined },
      });
      return id;
    })
    .catch((error: unknown) => {
      // Two workspaces connecting the same account at the same moment: the unique index decides.
      if ((error as { code?: string }).code === '23505') {
        throw new AppError('CONFLICT', `@${grant.username} is already connected to another workspace.`);
      }
      throw error;
    });
}

export async function completeConnect(
  services: ConnectServices,
  actor: Actor,
  callback: { code: string; state: string; redirectUri: string },
): Promise<{ workspaceId: string; returnScreen: ReturnScreen; accounts: ConnectedAccount[] }> {
  const { workspaceId, loginPath, returnScreen } = await consumeOAuthState(
    services.db,
    actor,
    callback.state,
  );
  let grants: Grant[];
  try {
    grants =
      loginPath === 'instagram'
        ? await instagramGrants(services, callback.code, callback.redirectUri)
        : await facebookGrants(services, callback.code, callback.redirectUri);
  } catch (error) {
    if (error instanceof OAuthExchangeError) throw friendly(error);
    throw error;
  }
  const accounts: ConnectedAccount[] = [];
  for (const grant of grants) {
    const account = {
      loginPath: grant.loginPath,
      channelIdentifier: grant.igId,
      providerAccountId: grant.providerAccountId,
    };
    await subscribeApp(services.graph, account, grant.token);
    accounts.push({
      connectionId: await store(services, actor, workspaceId, grant),
      username: grant.username,
    });
  }
  return { workspaceId, returnScreen, accounts };
}
