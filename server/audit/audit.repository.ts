// SQL for audit_events: written in the transaction of the action it records, read by owners and
// admins under RLS.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { auditDetailColumn } from './jsonb-columns.ts';

/** The recorded actions: a name per kind of thing done, never changed once released. */
export type AuditAction =
  | 'account.connect'
  | 'account.disconnect'
  | 'account.delete_history'
  | 'history.import'
  | 'history.reconcile'
  | 'contact.export'
  | 'contact.erase'
  | 'export.leads'
  | 'export.conversations'
  | 'retention.change'
  | 'member.role_change'
  | 'member.remove'
  | 'deliveries.replay'
  | 'meta.data_deletion'
  | 'comment.hide'
  | 'comment.unhide'
  | 'comment.delete'
  | 'profile.publish';

export interface AuditEntry {
  workspaceId: string;
  action: AuditAction;
  target: string | null;
  detail?: Record<string, string | number | boolean | null>;
}

/** In a server transaction: the actor is who the server acted for (null for its own doing). */
export async function recordAudit(trx: Tx, actorId: string | null, entry: AuditEntry): Promise<void> {
  await trx
    .insertInto('audit_events')
    .values({
      workspace_id: entry.workspaceId,
      actor_id: actorId,
      action: entry.action,
      target: entry.target,
      detail: auditDetailColumn.encode(entry.detail ?? {}),
    })
    .execute();
}

/** In the operator's transaction: the database takes the actor from the session, admins only. */
export async function recordOwnAudit(trx: Tx, entry: AuditEntry): Promise<void> {
  await sql`select private.record_audit(${entry.workspaceId}, ${entry.action}, ${entry.target},
    ${auditDetailColumn.encode(entry.detail ?? {})}::jsonb)`.execute(trx);
}

export async function listAuditEvents(
  trx: Tx,
  workspaceId: string,
  page: { before: string | null; limit: number },
) {
  let query = trx
    .selectFrom('audit_events as a')
    .leftJoin('profiles as p', 'p.id', 'a.actor_id')
    .select(['a.id', 'a.actor_id', 'p.display_name', 'a.action', 'a.target', 'a.detail', 'a.created_at'])
    .where('a.workspace_id', '=', workspaceId)
    .orderBy('a.id', 'desc')
    .limit(page.limit + 1);
  if (page.before) query = query.where('a.id', '<', page.before);
  return query.execute();
}
