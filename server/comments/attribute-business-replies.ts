// The business's public replies arrive as comments from the business itself: they belong to the
// thread of the customer whose comment they answer. A reply to a comment the inbox does not hold
// (made before the account was connected, or to another reply it never saw) has no thread.
import type { ConnectionRef } from '../accounts/index.ts';
import type { Tx } from '../db/database.ts';
import type { InstagramEvent } from '../meta/instagram-events.ts';
import { findCommenter } from './comments.repository.ts';

export async function attributeBusinessReplies(
  trx: Tx,
  events: InstagramEvent[],
  connections: Map<string, ConnectionRef>,
): Promise<InstagramEvent[]> {
  const attributed: InstagramEvent[] = [];
  for (const event of events) {
    const connection = connections.get(event.accountId);
    if (event.kind !== 'comment' || event.direction !== 'OUTBOUND' || !connection) {
      attributed.push(event);
      continue;
    }
    const commenter = event.parentId && (await findCommenter(trx, connection.id, event.parentId));
    attributed.push(
      commenter
        ? { ...event, contactId: commenter }
        : {
            ...event,
            kind: 'ignored',
            mid: null,
            reason: 'a reply by the business to a comment the inbox does not hold',
          },
    );
  }
  return attributed;
}
