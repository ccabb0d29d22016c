// Completes "Connect Instagram" (Instagram Login): the state proves who asked and for which
// workspace; the code becomes a long-lived token; /me says which professional account it is (its
// user_id is the id webhooks carry); the account is subscribed to webhooks; the connection is
// stored with its token encrypted. Reconnecting an account clears a needs-reauth state.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import { tokenContext } from '../crypto/token-cipher.ts';
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { GraphClient } from '../meta/graph-client.ts';
import {
  exchangeCode,
  exchangeForLongLived,
  type InstagramOAuthConfig,
  OAuthExchangeError,
} from '../meta/instagram-oauth.ts';
import { consumeOAuthState } from './oauth-states.ts';

/** The webhook fields every connected account is subscribed to (reference §2.6). */
export const WEBHOOK_FIELDS = [
  'messages',
  'message_reactions',
  'messaging_seen',
  'messaging_postbacks',
  'messaging_referral',
  'message_edit',
];

export interface ConnectDeps {
  db: Database;
  cipher: TokenCipher;
  graph: GraphClient;
  oauth: InstagramOAuthConfig;
}

const Me = z.object({
  user_id: z.union([z.string().regex(/^\d+$/), z.number()]).transform(String),
  username: z.string().min(1),
  name: z.string().nullish(),
  account_type: z.string().nullish(),
  profile_picture_url: z.string().nullish(),
});

export interface ConnectedAccount {
  workspaceId: string;
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

export async function connectInstagramAccount(
  deps: ConnectDeps,
  actor: Actor,
  callback: { code: string; state: string; redirectUri: string },
): Promise<ConnectedAccount> {
  const { workspaceId } = await consumeOAuthState(deps.db, actor, callback.state);

  let token: { accessToken: string; expiresAt: Date };
  let authorizingUserId: string;
  let permissions: string[];
  try {
    const shortLived = await exchangeCode(deps.oauth, callback.code, callback.redirectUri);
    authorizingUserId = shortLived.userId;
    permissions = shortLived.permissions;
    token = await exchangeForLongLived(deps.oauth, shortLived.accessToken);
  } catch (error) {
    if (error instanceof OAuthExchangeError) throw friendly(error);
    throw error;
  }

  const meRaw = await deps.graph.request<unknown>({
    loginPath: 'instagram',
    path: 'me',
    token: token.accessToken,
    query: { fields: 'user_id,username,name,account_type,profile_picture_url' },
  });
  const wrapped = z.object({ data: z.array(z.unknown()).min(1) }).safeParse(meRaw);
  const me = Me.parse(wrapped.success ? wrapped.data.data[0] : meRaw);

  await deps.graph.request({
    loginPath: 'instagram',
    method: 'POST',
    path: `${me.user_id}/subscribed_apps`,
    token: token.accessToken,
    query: { subscribed_fields: WEBHOOK_FIELDS.join(',') },
  });

  const connectionId = await deps.db
    .withService(async (trx) => {
      const live = await trx
        .selectFrom('channel_connections')
        .select(['id', 'workspace_id'])
        .where('channel_identifier', '=', me.user_id)
        .where('status', '<>', 'DISCONNECTED')
        .executeTakeFirst();
      if (live && live.workspace_id !== workspaceId) {
        throw new AppError('CONFLICT', `@${me.username} is already connected to another workspace.`);
      }
      const id = live?.id ?? randomUUID();
      const values = {
        display_name: `@${me.username}`,
        provider_account_id: authorizingUserId,
        authorizing_user_id: authorizingUserId,
        permissions,
        access_token: deps.cipher.encrypt(token.accessToken, tokenContext(id, 'access_token')),
        token_expires_at: token.expiresAt,
        token_refreshed_at: new Date(),
        status: 'CONNECTED' as const,
        is_active: true,
        needs_reauth_reason: null,
        disconnected_at: null,
        webhook_fields: WEBHOOK_FIELDS,
        webhook_subscribed_at: new Date(),
        metadata: JSON.stringify({
          name: me.name ?? null,
          accountType: me.account_type ?? null,
          picture: me.profile_picture_url ?? null,
        }),
        user_id: actor.userId,
      };
      if (live) {
        await trx.updateTable('channel_connections').set(values).where('id', '=', id).execute();
      } else {
        await trx
          .insertInto('channel_connections')
          .values({
            ...values,
            id,
            workspace_id: workspaceId,
            login_path: 'instagram',
            channel_identifier: me.user_id,
          })
          .execute();
      }
      return id;
    })
    .catch((error: unknown) => {
      // Two workspaces connecting the same account at the same moment: the unique index decides.
      if ((error as { code?: string }).code === '23505') {
        throw new AppError('CONFLICT', `@${me.username} is already connected to another workspace.`);
      }
      throw error;
    });

  return { workspaceId, connectionId, username: me.username };
}
