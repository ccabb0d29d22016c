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
        const { rows } = await sql<{ active: boolean }>`
          select ${sessionIsLive(sessionId, actor.userId)} as active`.execute(db.kysely);
        return rows[0]?.active === true;
      } catch (error) {
        throw toAppError(error) ?? error; // a database that is away is a 503
      }
    },
  };
}

/** The session an access token names; refuses a token that names none. */
export function namedSessionId(actor: Actor): string {
  const sessionId = actor.claims.session_id;
  if (typeof sessionId !== 'string') {
    throw new AppError('UNAUTHENTICATED', 'Access token names no session: sign in again', {
      reason: 'session_ended',
    });
  }
  return sessionId;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether the session exists in Auth's store and has not reached its time limit, as a boolean SQL
 * expression, for a query of the server's login role (no API role may read auth.sessions).
 */
export function sessionIsLive(sessionId: string, userId: string) {
  // A session id that is not a uuid names no session (and would fail the cast).
  if (!UUID.test(sessionId)) return sql<boolean>`false`;
  return sql<boolean>`exists (
    select 1 from auth.sessions
    where id = ${sessionId}::uuid and user_id = ${userId}::uuid
      and (not_after is null or not_after > now()))`;
}

/** The refusal of a token whose session has ended (signed out, revoked). */
export const sessionEnded = () =>
  new AppError('UNAUTHENTICATED', 'Your session has ended: sign in again', { reason: 'session_ended' });

/** Refuses an actor whose token names no session, or a session that has ended. */
export async function requireLiveSession(sessions: SessionStore, actor: Actor): Promise<void> {
  namedSessionId(actor);
  if (!(await sessions.isActive(actor))) throw sessionEnded();
}

/** `verifier`, refusing also a token whose session has ended, or that names none. */
export function requireActiveSession(
  verifier: AccessTokenVerifier,
  sessions: SessionStore,
): AccessTokenVerifier {
  return {
    async verify(token) {
      const actor = await verifier.verify(token);
      await requireLiveSession(sessions, actor);
      return actor;
    },
  };
}

/** When the actor's token expires (its `exp`), in milliseconds since the epoch. */
export function tokenExpiresAt(actor: Actor): number {
  const exp = actor.claims.exp;
  return typeof exp === 'number' ? exp * 1000 : 0;
}
