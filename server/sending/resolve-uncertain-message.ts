// An UNCERTAIN reply (Meta may or may not have delivered it, and no echo came) is settled by the
// operator, who can see the thread in Instagram: delivered → SENT; not delivered → FAILED, which
// can then be retried. Never re-sent without this decision.
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { settleUncertain } from './outbound-lifecycle.ts';
import { findOutboundByIds, type OutboundMessage } from './outbound-messages.repository.ts';
import { withVisibleOutboundMessage } from './visible-outbound-message.ts';

export async function resolveUncertainMessage(
  db: Database,
  actor: Actor,
  ref: { workspaceId: string; messageId: string; delivered: boolean },
): Promise<OutboundMessage> {
  return withVisibleOutboundMessage(db, actor, ref, async (trx, message) => {
    const settled = await settleUncertain(trx, message.id, ref.delivered);
    if (!settled)
      throw new AppError(
        'CONFLICT',
        `Only an uncertain message can be settled; this one is ${message.status}`,
      );
    return (await findOutboundByIds(trx, [message.id]))[0] as OutboundMessage;
  });
}
