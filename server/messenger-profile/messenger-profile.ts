// An account's ice breakers and persistent menu: read from Meta (what customers see now is what
// Meta holds, not a copy of ours) and published to Meta by owners and admins. Meta's refusal is
// shown as Meta said it; a refused token marks the account for reconnection.
import { findConnectionCredentials, markNeedsReauth } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { unsealToken } from '../meta/graph-api.ts';
import { GraphApiError } from '../meta/graph-client.ts';
import {
  type MessengerProfile,
  publishMessengerProfile,
  readMessengerProfile,
} from '../meta/messenger-profile-api.ts';
import type { Services } from '../services.ts';
import { findWorkspaceAccount } from './messenger-profile.repository.ts';

type ProfileServices = Pick<Services, 'db' | 'graph' | 'cipher'>;

interface AccountRequest {
  workspaceId: string;
  accountId: string;
}

/** Runs `call` with the account's token; Meta's refusals become messages an operator can act on. */
async function withAccount<T>(
  services: ProfileServices,
  actor: Actor,
  request: AccountRequest & { adminsOnly: boolean },
  call: (
    account: NonNullable<Awaited<ReturnType<typeof findConnectionCredentials>>>,
    token: string,
  ) => Promise<T>,
): Promise<T> {
  const visible = await services.db.withUser(actor, (trx) => findWorkspaceAccount(trx, request));
  if (!visible) {
    throw new AppError(
      request.adminsOnly ? 'FORBIDDEN' : 'NOT_FOUND',
      request.adminsOnly ? 'Only owners and admins change ice breakers and the menu' : 'Account not found',
    );
  }
  const account = await services.db.withService((trx) => findConnectionCredentials(trx, request.accountId));
  if (!account?.accessToken || account.status !== 'CONNECTED') {
    throw new AppError('UNPROCESSABLE', 'This Instagram account must be reconnected first.', {
      reason: 'account_needs_reconnect',
    });
  }
  try {
    return await call(account, unsealToken(services.cipher, account.id, account.accessToken));
  } catch (error) {
    if (!(error instanceof GraphApiError)) throw error;
    if (error.isTokenInvalid) {
      await services.db.withService((trx) =>
        markNeedsReauth(trx, account.id, `Meta rejected the access token: ${error.message}`),
      );
      throw new AppError('UNPROCESSABLE', 'Meta rejected the account’s access: reconnect it.', {
        reason: 'account_needs_reconnect',
      });
    }
    throw new AppError(
      error.isTransient ? 'UNAVAILABLE' : 'UNPROCESSABLE',
      `Instagram refused: ${error.message}`,
    );
  }
}

/** What Meta holds now, or why it could not be read (shown beside the editor). */
export async function readAccountProfile(
  services: ProfileServices,
  actor: Actor,
  request: AccountRequest,
): Promise<{ profile: MessengerProfile | null; error: string | null }> {
  try {
    const profile = await withAccount(services, actor, { ...request, adminsOnly: false }, (account, token) =>
      readMessengerProfile(services.graph, account, token),
    );
    return { profile, error: null };
  } catch (error) {
    if (error instanceof AppError && error.code !== 'NOT_FOUND')
      return { profile: null, error: error.message };
    throw error;
  }
}

/** Replaces what Meta holds with `profile` (admins), then reads back what Meta now holds. */
export async function publishAccountProfile(
  services: ProfileServices,
  actor: Actor,
  request: AccountRequest & { profile: MessengerProfile },
): Promise<MessengerProfile> {
  const { held, name } = await withAccount(
    services,
    actor,
    { ...request, adminsOnly: true },
    async (account, token) => {
      await publishMessengerProfile(services.graph, account, token, request.profile);
      return {
        held: await readMessengerProfile(services.graph, account, token),
        name: account.channelIdentifier,
      };
    },
  );
  await services.db.withService((trx) =>
    recordAudit(trx, actor.userId, {
      workspaceId: request.workspaceId,
      action: 'profile.publish',
      target: name,
      detail: {
        iceBreakers: request.profile.iceBreakers.reduce((n, l) => n + l.items.length, 0),
        menuItems: request.profile.persistentMenu.reduce((n, l) => n + l.items.length, 0),
        locales: new Set(
          [...request.profile.iceBreakers, ...request.profile.persistentMenu].map((l) => l.locale),
        ).size,
      },
    }),
  );
  return held;
}
