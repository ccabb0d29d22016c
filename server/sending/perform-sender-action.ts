// The sender-action job: one reaction, seen mark or typing indicator to Meta, within the
// account's shared rate schedule. Repeating one is harmless, so passing failures are simply
// retried by the queue; a refusal is logged and dropped (it is not worth an operator's time),
// except a dead token, which marks the account for reconnection like any other call.

import { findConnectionCredentials, markNeedsReauth } from '../accounts/index.ts';
import { sendSenderAction, unsealToken } from '../meta/graph-api.ts';
import { classifySendFailure } from '../meta/send-outcome.ts';
import type { Services } from '../services.ts';
import { LONGEST_INLINE_WAIT_MS } from './send-messages.job.ts';
import { reserveSendSlot } from './send-rate-slots.repository.ts';
import type { SenderActionJob } from './sender-action.job.ts';

export type SenderActionServices = Pick<Services, 'db' | 'graph' | 'cipher' | 'sendLimits'>;

export async function performSenderAction(
  services: SenderActionServices,
  job: SenderActionJob,
): Promise<void> {
  const connection = await services.db.withService((trx) => findConnectionCredentials(trx, job.connectionId));
  if (!connection?.accessToken || connection.status !== 'CONNECTED') return;
  const slot = await services.db.withService((trx) =>
    reserveSendSlot(trx, {
      connectionId: connection.id,
      lane: 'text',
      intervalMs: 1000 / services.sendLimits.textPerSecond,
      maxAheadMs: LONGEST_INLINE_WAIT_MS,
    }),
  );
  // A busy lane belongs to replies; the queue tries the sender action again later.
  if (!slot.reserved)
    throw new Error(`the send lane is booked for the next ${Math.round(slot.retryInMs)} ms`);
  if (slot.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, slot.waitMs));
  try {
    const token = unsealToken(services.cipher, connection.id, connection.accessToken);
    await sendSenderAction(services.graph, connection, token, job.contactId, job.senderAction);
  } catch (error) {
    const failure = classifySendFailure(error);
    if (failure.kind === 'throttled' || failure.kind === 'unavailable') throw error;
    if (failure.kind === 'rejected' && failure.needsReauth) {
      await services.db.withService((trx) => markNeedsReauth(trx, connection.id, failure.reason));
    }
    if (failure.kind === 'rejected') {
      console.warn(`sender action ${job.senderAction.action} refused (${failure.code}): ${failure.reason}`);
    }
  }
}
