// A signed access token is good until it expires, up to an hour after it was issued; signing out
// (or Auth revoking the session: a password change, refresh-token reuse) ends the session, not the
// token. So a token is honoured only while the session it names is still in Auth's session store,
// auth.sessions, which lives in the same Postgres on Supabase: one primary-key lookup per request.
import { sql } from 'kysely';
import type { Actor, Database } from '../db/database.ts';
import { AppError, toAppError } from '../errors.ts';
import type { AccessTokenVerifier } from './access-token.ts';

export interface SessionStore {
  /** Whether the actor's session still exists and has not reached its time limit (`not_after`). */
  isActive(actor: Actor): Promise<boolean>;
}

export function createSessionStore(db: Database): SessionStore {
  return {
    async isActive(actor) {
      const sessionId = actor.claims.session_id;
      if (typeof sessionId !== 'string') return false;
      try {
        // As the server's login role: no API role may read auth.sessions.
        const { rows } = await sql`
          select 1 from auth.sessions
          where id = ${sessionId}::uuid and user_id = ${actor.userId}::uuid
            and (not_after is null or not_after > now())`.execute(db.kysely);
        return rows.length > 0;
      } catch (error) {
        // A session id that is not a uuid names no session; a database that is away is a 503.
        if ((error as { code?: string }).code === '22P02') return false;
        throw toAppError(error) ?? error;
      }
    },
  };
}

/** The refusal of a token whose session has ended (signed out, revoked). */
export const sessionEnded = () =>
  new AppError('UNAUTHENTICATED', 'Your session has ended: sign in again', { reason: 'session_ended' });

/** `verifier`, refusing also a token whose session has ended, or that names none. */
export function requireActiveSession(
  verifier: AccessTokenVerifier,
  sessions: SessionStore,
): AccessTokenVerifier {
  return {
    async verify(token) {
      const actor = await verifier.verify(token);
      if (typeof actor.claims.session_id !== 'string') {
        throw new AppError('UNAUTHENTICATED', 'Access token names no session: sign in again', {
          reason: 'session_ended',
        });
      }
      if (!(await sessions.isActive(actor))) throw sessionEnded();
      return actor;
    },
  };
}

/** When the actor's token expires (its `exp`), in milliseconds since the epoch. */
export function tokenExpiresAt(actor: Actor): number {
  const exp = actor.claims.exp;
  return typeof exp === 'number' ? exp * 1000 : 0;
}
