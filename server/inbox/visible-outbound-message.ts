// An operator acts on one of the workspace's own replies: the message is looked up under RLS
// (another workspace's is not found), then the server makes the change the operator may not
// write directly, in the same transaction.
import { type Actor, continueAsServer, type Database, type Tx } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { findOutboundByIds, type OutboundMessage } from './outbound-messages.repository.ts';

export async function withVisibleOutboundMessage<T>(
  db: Database,
  actor: Actor,
  ref: { workspaceId: string; messageId: string },
  act: (trx: Tx, message: OutboundMessage) => Promise<T>,
): Promise<T> {
  return db.withUser(actor, async (trx) => {
    const visible = await trx
      .selectFrom('conversation_messages')
      .select('id')
      .where('id', '=', ref.messageId)
      .where('workspace_id', '=', ref.workspaceId)
      .where('direction', '=', 'OUTBOUND')
      .executeTakeFirst();
    if (!visible) throw new AppError('NOT_FOUND', 'Message not found in this workspace');
    await continueAsServer(trx);
    const [message] = await findOutboundByIds(trx, [ref.messageId]);
    return act(trx, message as OutboundMessage);
  });
}
