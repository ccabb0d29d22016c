// SQL for push_deliveries: one notification (a message) to one device, claimed before it is sent
// so that no run, however many there are at once or after a crash, sends it twice.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';

export type DeliveryResult =
  | { deviceId: string; status: 'SENT'; ref: string | null }
  | { deviceId: string; status: 'RETRY' | 'FAILED'; error: string }
  /** Sent, perhaps: the call failed after the request left. Stays SENDING, never sent again. */
  | { deviceId: string; status: 'UNCERTAIN'; error: string };

/**
 * Claims the message's deliveries to these devices that are new or waiting for a retry; returns
 * the devices claimed. A delivery already SENDING (another run, or one that died calling), SENT
 * or FAILED is not claimed again.
 */
export async function claimDeliveries(trx: Tx, messageId: string, deviceIds: string[]): Promise<Set<string>> {
  if (deviceIds.length === 0) return new Set();
  await trx
    .insertInto('push_deliveries')
    .values(deviceIds.map((deviceId) => ({ message_id: messageId, device_id: deviceId })))
    .onConflict((oc) => oc.columns(['message_id', 'device_id']).doNothing())
    .execute();
  const claimed = await trx
    .updateTable('push_deliveries')
    .set({ status: 'SENDING', attempts: sql<number>`attempts + 1` })
    .where('message_id', '=', messageId)
    .where('device_id', 'in', deviceIds)
    .where('status', 'in', ['PENDING', 'RETRY'])
    .returning('device_id')
    .execute();
  return new Set(claimed.map((row) => row.device_id));
}

/** What the providers answered, for the deliveries this run claimed. */
export async function recordDeliveries(trx: Tx, messageId: string, results: DeliveryResult[]): Promise<void> {
  for (const result of results) {
    const base = trx
      .updateTable('push_deliveries')
      .where('message_id', '=', messageId)
      .where('device_id', '=', result.deviceId)
      .where('status', '=', 'SENDING');
    if (result.status === 'SENT') {
      await base.set({ status: 'SENT', provider_ref: result.ref, error: null }).execute();
    } else if (result.status === 'UNCERTAIN') {
      await base.set({ error: result.error }).execute();
    } else {
      await base.set({ status: result.status, error: result.error }).execute();
    }
  }
}

/** Deliveries are bookkeeping for a few retries: a day is long enough. */
export async function pruneDeliveries(trx: Tx, before: Date): Promise<number> {
  const result = await trx.deleteFrom('push_deliveries').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
