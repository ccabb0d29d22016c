// A workspace's retention policy and what the daily purge last removed, read as the operator.
import type { z } from 'zod';
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { findRetentionPolicy } from '../team/index.ts';
import type { RetentionSettingsSchema } from './retention.schemas.ts';
import { latestRun } from './retention-runs.repository.ts';

export async function readRetention(
  db: Database,
  actor: Actor,
  workspaceId: string,
): Promise<z.infer<typeof RetentionSettingsSchema>> {
  return db.withUser(actor, async (trx) => {
    const policy = await findRetentionPolicy(trx, workspaceId);
    if (!policy) throw new AppError('NOT_FOUND', 'No such workspace');
    const run = await latestRun(trx, workspaceId);
    return {
      ...policy,
      lastPurge:
        run?.finished_at != null
          ? {
              at: run.finished_at.toISOString(),
              messages: run.messages_purged,
              deliveries: run.deliveries_purged,
            }
          : null,
    };
  });
}
