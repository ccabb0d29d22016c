// SQL for the Health screen: webhook volume, lag and processing time per bucket (through the
// membership-checked private.webhook_health, since the ledgers are server-only), and each
// account's sends (under RLS).
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';

export interface WebhookBucketRow {
  bucket: Date | null;
  events: string;
  failed_deliveries: string;
  lag_p50_ms: number | null;
  lag_p95_ms: number | null;
  processing_p50_ms: number | null;
  processing_p95_ms: number | null;
}

/** One row per bucket since `since`, oldest first, then the totals (bucket null). */
export async function webhookHealth(
  trx: Tx,
  workspaceId: string,
  since: Date,
  bucketSeconds: number,
): Promise<WebhookBucketRow[]> {
  const { rows } = await sql<WebhookBucketRow>`
    select * from private.webhook_health(${workspaceId}, ${since}, make_interval(secs => ${bucketSeconds}))
  `.execute(trx);
  return rows;
}

/** Per account of the workspace: replies waiting now, and sends and failures since `since`. */
export async function sendHealth(trx: Tx, workspaceId: string, since: Date) {
  return (
    trx
      .selectFrom('channel_connections as c')
      // Only replies still waiting, or tried within the range (indexed: outbound_health_idx).
      .leftJoin('conversation_messages as m', (join) =>
        join
          .onRef('m.channel_connection_id', '=', 'c.id')
          .on('m.direction', '=', 'OUTBOUND')
          .on((eb) =>
            eb.or([
              eb('m.status', 'in', ['QUEUED', 'SENDING', 'UNCERTAIN']),
              eb('m.last_attempt_at', '>=', since),
            ]),
          ),
      )
      .where('c.workspace_id', '=', workspaceId)
      .where('c.status', '!=', 'DISCONNECTED')
      .groupBy(['c.id', 'c.display_name', 'c.channel_identifier'])
      .orderBy('c.display_name')
      .select((eb) => [
        'c.id',
        'c.display_name',
        'c.channel_identifier',
        eb.fn.countAll<string>().filterWhere('m.status', 'in', ['QUEUED', 'SENDING']).as('waiting'),
        eb.fn.countAll<string>().filterWhere('m.status', '=', 'UNCERTAIN').as('uncertain'),
        eb.fn
          .countAll<string>()
          .filterWhere((f) => f.and([f('m.status', '=', 'SENT'), f('m.sent_at', '>=', since)]))
          .as('sent'),
        eb.fn
          .countAll<string>()
          .filterWhere((f) => f.and([f('m.status', '=', 'FAILED'), f('m.last_attempt_at', '>=', since)]))
          .as('failed'),
        eb.fn
          .min('m.created_at')
          .filterWhere('m.status', 'in', ['QUEUED', 'SENDING'])
          .as('oldest_waiting_at'),
      ])
      .execute()
  );
}
