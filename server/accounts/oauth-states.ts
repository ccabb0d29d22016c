// The `state` of an OAuth round trip: random, single-use, expiring within minutes, and bound to
// the operator and workspace that started it, so a callback cannot be replayed, forged, or
// completed by someone else (Meta echoes the state back untouched).
import { hashSecretToken as hash, newSecretToken } from '../crypto/secret-token.ts';
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { LoginPath } from '../meta/graph-client.ts';

export const STATE_LIFETIME_MS = 10 * 60 * 1000;

/** The screen the operator started from, and returns to. */
export type ReturnScreen = 'inbox' | 'accounts';

/** A new state for this operator and workspace; only its hash is stored. */
export async function issueOAuthState(
  db: Database,
  actor: Actor,
  workspaceId: string,
  loginPath: LoginPath,
  returnScreen: ReturnScreen = 'inbox',
  now = new Date(),
): Promise<string> {
  const state = newSecretToken();
  await db.withService((trx) =>
    trx
      .insertInto('oauth_states')
      .values({
        state_hash: hash(state),
        user_id: actor.userId,
        workspace_id: workspaceId,
        login_path: loginPath,
        return_screen: returnScreen,
        expires_at: new Date(now.getTime() + STATE_LIFETIME_MS),
      })
      .execute(),
  );
  return state;
}

export interface ConsumedState {
  workspaceId: string;
  loginPath: LoginPath;
  returnScreen: ReturnScreen;
}

/**
 * Uses up a state presented to the callback by `actor`. Exactly one callback can consume it;
 * every other outcome is an error saying why.
 */
export async function consumeOAuthState(
  db: Database,
  actor: Actor,
  state: string,
  now = new Date(),
): Promise<ConsumedState> {
  return db.withService(async (trx) => {
    const consumed = await trx
      .updateTable('oauth_states')
      .set({ consumed_at: now })
      .where('state_hash', '=', hash(state))
      .where('user_id', '=', actor.userId)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['workspace_id', 'login_path', 'return_screen'])
      .executeTakeFirst();
    if (consumed) {
      return {
        workspaceId: consumed.workspace_id,
        loginPath: consumed.login_path as LoginPath,
        returnScreen: consumed.return_screen as ReturnScreen,
      };
    }

    const known = await trx
      .selectFrom('oauth_states')
      .select(['user_id', 'consumed_at', 'expires_at'])
      .where('state_hash', '=', hash(state))
      .executeTakeFirst();
    if (!known)
      throw new AppError('BAD_INPUT', 'This connection link is not valid. Start again from Accounts.');
    if (known.user_id !== actor.userId) {
      throw new AppError(
        'FORBIDDEN',
        'This connection was started by another operator. Start again from Accounts.',
        { reason: 'forbidden' },
      );
    }
    if (known.consumed_at)
      throw new AppError('CONFLICT', 'This connection link was already used. Start again from Accounts.');
    throw new AppError('BAD_INPUT', 'This connection link has expired. Start again from Accounts.');
  });
}
