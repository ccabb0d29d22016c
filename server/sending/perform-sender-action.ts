// The sender-action job: one reaction, seen mark or typing indicator to Meta, within the
// account's shared rate schedule. Repeating one is harmless, so passing failures are simply
// retried by the queue; a refusal is logged and dropped (it is not worth an operator's time),
// except a dead token, which marks the account for reconnection like any other call.

import { findConnectionCredentials, markNeedsReauth } from '../accounts/index.ts';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Database } from '../db/database.ts';
import { sendSenderAction, unsealToken } from '../meta/graph-api.ts';
import type { GraphClient } from '../meta/graph-client.ts';
import { classifySendFailure } from '../meta/send-outcome.ts';
import { LONGEST_INLINE_WAIT_MS } from './send-outbound-messages.ts';
import { reserveSendSlot } from './send-rate-slots.repository.ts';
import type { SenderActionJob } from './sender-action-target.ts';

export interface SenderActionDeps {
  db: Database;
  graph: GraphClient;
  cipher: TokenCipher;
  textPerSecond: number;
}

export async function performSenderAction(deps: SenderActionDeps, job: SenderActionJob): Promise<void> {
  const connection = await deps.db.withService((trx) => findConnectionCredentials(trx, job.connectionId));
  if (!connection?.accessToken || connection.status !== 'CONNECTED') return;
  const slot = await deps.db.withService((trx) =>
    reserveSendSlot(trx, {
      connectionId: connection.id,
      lane: 'text',
      intervalMs: 1000 / deps.textPerSecond,
      maxAheadMs: LONGEST_INLINE_WAIT_MS,
    }),
  );
  // A busy lane belongs to replies; the queue tries the sender action again later.
  if (!slot.reserved)
    throw new Error(`the send lane is booked for the next ${Math.round(slot.retryInMs)} ms`);
  if (slot.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, slot.waitMs));
  try {
    const token = unsealToken(deps.cipher, connection.id, connection.accessToken);
    await sendSenderAction(deps.graph, connection, token, job.contactId, job.senderAction);
  } catch (error) {
    const failure = classifySendFailure(error);
    if (failure.kind === 'throttled' || failure.kind === 'unavailable') throw error;
    if (failure.kind === 'rejected' && failure.needsReauth) {
      await deps.db.withService((trx) => markNeedsReauth(trx, connection.id, failure.reason));
    }
    if (failure.kind === 'rejected') {
      console.warn(`sender action ${job.senderAction.action} refused (${failure.code}): ${failure.reason}`);
    }
  }
}
