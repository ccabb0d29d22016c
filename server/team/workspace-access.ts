// A workspace procedure's two checks in one query, before its command runs: the token's session
// is still live (signed out means refused at once) and the caller is a member of the workspace,
// with their role. Run on the server's own connection, outside a transaction, because no API
// role may read auth.sessions; the membership is filtered by the caller's id, the rule the
// workspace_members policy applies. It was two: a session lookup, then a membership transaction
// of four round trips, of a read that itself needs four (decision 028).

import { namedSessionId, sessionEnded, sessionIsLive } from '../auth/live-session.ts';
import type { Actor, Database } from '../db/database.ts';
import { AppError, toAppError } from '../errors.ts';
import { memberships, toWorkspaceSummary, type WorkspaceSummary } from './workspaces.repository.ts';

/** The caller's membership of `workspaceId`; refuses an ended session, then a non-member. */
export async function checkWorkspaceAccess(
  db: Database,
  actor: Actor,
  workspaceId: string,
): Promise<WorkspaceSummary> {
  const { row, sessionLive } = await read(db, actor, namedSessionId(actor), workspaceId);
  if (!sessionLive) throw sessionEnded();
  if (!row) throw new AppError('NOT_FOUND', 'Workspace not found', { reason: 'not_a_member' });
  return toWorkspaceSummary(row);
}

async function read(db: Database, actor: Actor, sessionId: string, workspaceId: string) {
  const live = sessionIsLive(sessionId, actor.userId);
  try {
    const row = await memberships(db.kysely, actor.userId)
      .where('w.id', '=', workspaceId)
      .select(live.as('session_live'))
      .executeTakeFirst();
    if (row) return { row, sessionLive: row.session_live };
    // Not a member (rare): whether the session is live still decides which refusal it gets.
    const [result] = await db.kysely.selectNoFrom(live.as('session_live')).execute();
    return { row: undefined, sessionLive: result?.session_live === true };
  } catch (error) {
    throw toAppError(error) ?? error; // a database that is away is a 503
  }
}
