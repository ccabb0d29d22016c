// Expo accepts a notification with a ticket and learns later whether Apple or Google took it: its
// receipt, ready about 15 minutes after and kept for a day. Read every few minutes for the tickets
// old enough; a device Apple or Google no longer knows (`DeviceNotRegistered`) is forgotten, as
// when a ticket says so at once. A ticket still unanswered when Expo has let its receipt go is
// given up on: no answer will come.
import type { Services } from '../services.ts';
import { forgetDevices } from './devices.repository.ts';

/** Expo's advice: ask for receipts about 15 minutes after sending. */
const RECEIPT_DELAY_MS = 15 * 60 * 1000;
/** Expo keeps a receipt for a day. */
const RECEIPT_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Tickets read per run; the rest wait for the next one. */
const MAX_PER_RUN = 5000;

export interface ReceiptsReport {
  delivered: number;
  failed: number;
  forgotten: number;
  /** Tickets given up on: FAILED, their fate unknown. */
  expired: number;
}

export async function readExpoReceipts(
  services: Pick<Services, 'db' | 'push'>,
  options: { now?: Date } = {},
): Promise<ReceiptsReport> {
  const report: ReceiptsReport = { delivered: 0, failed: 0, forgotten: 0, expired: 0 };
  const sender = services.push.get('expo');
  if (!sender?.readReceipts) return report;
  const now = (options.now ?? new Date()).getTime();
  const keptSince = new Date(now - RECEIPT_LIFETIME_MS);
  const { expired, tickets } = await services.db.withService(async (trx) => {
    const expo = trx.selectFrom('push_devices').select('id').where('platform', '=', 'expo');
    const given = await trx
      .updateTable('push_deliveries')
      .set({ status: 'FAILED', error: 'no receipt from Expo within a day: fate unknown' })
      .where('status', '=', 'SENT')
      .where('provider_ref', 'is not', null)
      .where('created_at', '<', keptSince)
      .where('device_id', 'in', expo)
      .executeTakeFirst();
    const tickets = await trx
      .selectFrom('push_deliveries as d')
      .innerJoin('push_devices as p', 'p.id', 'd.device_id')
      .select(['d.message_id', 'd.device_id', 'd.provider_ref'])
      .where('p.platform', '=', 'expo')
      .where('d.status', '=', 'SENT')
      .where('d.provider_ref', 'is not', null)
      .where('d.created_at', '<', new Date(now - RECEIPT_DELAY_MS))
      // Newest first: tickets Expo is slow to answer are asked about again each run, and past
      // MAX_PER_RUN of them they would otherwise keep every newer ticket from being read.
      .orderBy('d.created_at', 'desc')
      .limit(MAX_PER_RUN)
      .execute();
    return { expired: Number(given.numUpdatedRows), tickets };
  });
  report.expired = expired;
  if (tickets.length === 0) return report;
  const receipts = await sender.readReceipts(tickets.map((t) => t.provider_ref as string));
  await services.db.withService(async (trx) => {
    const gone: string[] = [];
    for (const ticket of tickets) {
      const receipt = receipts.get(ticket.provider_ref as string);
      if (!receipt) continue; // not ready yet: read again next time
      if (receipt.kind === 'gone') {
        gone.push(ticket.device_id);
        continue;
      }
      await trx
        .updateTable('push_deliveries')
        .set(
          receipt.kind === 'delivered'
            ? { status: 'DELIVERED' }
            : { status: 'FAILED', error: receipt.reason },
        )
        .where('message_id', '=', ticket.message_id)
        .where('device_id', '=', ticket.device_id)
        .where('status', '=', 'SENT')
        .execute();
      if (receipt.kind === 'delivered') report.delivered++;
      else report.failed++;
    }
    const devices = [...new Set(gone)];
    await forgetDevices(trx, devices);
    report.forgotten = devices.length;
  });
  return report;
}
