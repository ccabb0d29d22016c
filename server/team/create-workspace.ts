import { randomUUID } from 'node:crypto';
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { findMembership, insertWorkspace, type WorkspaceSummary } from './workspaces.repository.ts';

/** Creates a workspace; its creator becomes the owner (a database trigger adds the membership). */
export async function createWorkspace(db: Database, actor: Actor, name: string): Promise<WorkspaceSummary> {
  const id = randomUUID();
  return db.withUser(actor, async (trx) => {
    await insertWorkspace(trx, { id, name: name.trim(), createdBy: actor.userId });
    const created = await findMembership(trx, id, actor.userId);
    if (!created) throw new AppError('UNAVAILABLE', 'The workspace was created but cannot be read back');
    return created;
  });
}
