// An operator acts on one of the workspace's own replies: the message is looked up under RLS
// (another workspace's is not found), then the server makes the change the operator may not
// write directly, in the same transaction.
import { type Actor, continueAsServer, type Database, type Tx } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { findOutboundInWorkspace, type OutboundMessage } from './outbound-messages.repository.ts';

export async function withVisibleOutboundMessage<T>(
  db: Database,
  actor: Actor,
  ref: { workspaceId: string; messageId: string },
  act: (trx: Tx, message: OutboundMessage) => Promise<T>,
): Promise<T> {
  return db.withUser(actor, async (trx) => {
    const message = await findOutboundInWorkspace(trx, ref.workspaceId, ref.messageId);
    if (!message) throw new AppError('NOT_FOUND', 'Message not found in this workspace');
    await continueAsServer(trx);
    return act(trx, message);
  });
}
