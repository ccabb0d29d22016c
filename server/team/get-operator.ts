import type { Actor, Database } from '../db/database.ts';
import {
  findProfile,
  listMemberships,
  type OperatorProfile,
  type WorkspaceSummary,
} from './workspaces.repository.ts';

export interface Operator {
  profile: OperatorProfile;
  workspaces: WorkspaceSummary[];
}

/** The signed-in operator and the workspaces they belong to. */
export async function getOperator(db: Database, actor: Actor): Promise<Operator> {
  return db.withUser(actor, async (trx) => {
    const [profile, workspaces] = await Promise.all([
      findProfile(trx, actor.userId),
      listMemberships(trx, actor.userId),
    ]);
    return {
      // A profile row appears with the auth user; fall back to the token's email just in case.
      profile: profile ?? { id: actor.userId, email: actor.email ?? '', displayName: null },
      workspaces,
    };
  });
}
