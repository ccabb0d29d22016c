// Expo accepts a notification with a ticket and learns later whether Apple or Google took it: its
// receipt, ready about 15 minutes after and kept for a day. Read every few minutes for the tickets
// old enough; a device Apple or Google no longer knows (`DeviceNotRegistered`) is forgotten, as
// when a ticket says so at once.
import type { Services } from '../services.ts';
import { forgetDevices } from './devices.repository.ts';

/** Expo's advice: ask for receipts about 15 minutes after sending. */
const RECEIPT_DELAY_MS = 15 * 60 * 1000;
/** Tickets read per run; the rest wait for the next one. */
const MAX_PER_RUN = 5000;

export interface ReceiptsReport {
  delivered: number;
  failed: number;
  forgotten: number;
}

export async function readExpoReceipts(
  services: Pick<Services, 'db' | 'push'>,
  options: { sentBefore?: Date } = {},
): Promise<ReceiptsReport> {
  const report: ReceiptsReport = { delivered: 0, failed: 0, forgotten: 0 };
  const sender = services.push.get('expo');
  if (!sender?.readReceipts) return report;
  const sentBefore = options.sentBefore ?? new Date(Date.now() - RECEIPT_DELAY_MS);
  const tickets = await services.db.withService((trx) =>
    trx
      .selectFrom('push_deliveries as d')
      .innerJoin('push_devices as p', 'p.id', 'd.device_id')
      .select(['d.message_id', 'd.device_id', 'd.provider_ref'])
      .where('p.platform', '=', 'expo')
      .where('d.status', '=', 'SENT')
      .where('d.provider_ref', 'is not', null)
      .where('d.created_at', '<', sentBefore)
      .orderBy('d.created_at')
      .limit(MAX_PER_RUN)
      .execute(),
  );
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
