// The workspace's audit log, newest first, a page at a time: owners and admins only (RLS).
import type { z } from 'zod';
import type { Actor, Database } from '../db/database.ts';
import { listAuditEvents } from './audit.repository.ts';
import type { AuditPageSchema } from './audit.schemas.ts';
import { auditDetailColumn } from './jsonb-columns.ts';

export async function listAudit(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; before: string | null; limit: number },
): Promise<z.infer<typeof AuditPageSchema>> {
  const rows = await db.withUser(actor, (trx) => listAuditEvents(trx, request.workspaceId, request));
  const items = rows.slice(0, request.limit).map((row) => ({
    id: String(row.id),
    actor: row.actor_id ? { id: row.actor_id, name: row.display_name ?? null } : null,
    action: row.action,
    target: row.target,
    detail: auditDetailColumn.decode(row.detail),
    at: row.created_at.toISOString(),
  }));
  return { items, nextCursor: rows.length > request.limit ? (items.at(-1)?.id ?? null) : null };
}
