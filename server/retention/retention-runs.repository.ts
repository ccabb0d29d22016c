// SQL for retention_runs: what each daily purge removed per workspace. Written by the server;
// members read their workspace's.
import type { Tx } from '../db/database.ts';

export interface RunCutoffs {
  messagesBefore: Date | null;
  deliveriesBefore: Date;
}

export async function startRun(trx: Tx, workspaceId: string, cutoffs: RunCutoffs): Promise<string> {
  const row = await trx
    .insertInto('retention_runs')
    .values({
      workspace_id: workspaceId,
      messages_before: cutoffs.messagesBefore,
      deliveries_before: cutoffs.deliveriesBefore,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function finishRun(
  trx: Tx,
  runId: string,
  purged: { messages: number; deliveries: number },
): Promise<void> {
  await trx
    .updateTable('retention_runs')
    .set({ messages_purged: purged.messages, deliveries_purged: purged.deliveries, finished_at: new Date() })
    .where('id', '=', runId)
    .execute();
}

/** The workspace's latest finished run, read under RLS. */
export async function latestRun(trx: Tx, workspaceId: string) {
  return trx
    .selectFrom('retention_runs')
    .select(['finished_at', 'messages_purged', 'deliveries_purged'])
    .where('workspace_id', '=', workspaceId)
    .where('finished_at', 'is not', null)
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
