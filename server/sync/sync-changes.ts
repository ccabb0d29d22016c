// What changed in a workspace since a position of the live log, for an app coming back from
// offline: the changed conversations and messages in their state now, what was deleted, and which
// other screens to refetch, in one call (or a few, `hasMore`). The position is the live stream's
// event id, so an app moves between the two freely. Read under RLS, in one transaction.
import {
  type ConversationSummary,
  findConversationSummaries,
  findMessageViews,
  type MessageView,
} from '../conversations/index.ts';
import type { Actor, Database } from '../db/database.ts';
import { type LiveEvent, toLiveEvent } from '../realtime/live-event.schemas.ts';
import { currentLivePosition, readLiveLog } from '../realtime/live-events.repository.ts';
import { decodeLivePosition, encodeLivePosition, type LivePosition } from '../realtime/live-position.ts';

type Refetch = 'accounts' | 'leads' | 'team' | 'historyImports';

export interface SyncChanges {
  conversations: ConversationSummary[];
  messages: MessageView[];
  deleted: { conversationIds: string[]; messageIds: string[] };
  refetch: Refetch[];
  next: string;
  hasMore: boolean;
  resyncRequired: boolean;
}

const REFETCH: Partial<Record<LiveEvent['type'], Refetch>> = {
  connectionUpdated: 'accounts',
  connectionDeleted: 'accounts',
  leadCreated: 'leads',
  teamUpdated: 'team',
  historyImportUpdated: 'historyImports',
};

const resync = (next: LivePosition): SyncChanges => ({
  conversations: [],
  messages: [],
  deleted: { conversationIds: [], messageIds: [] },
  refetch: [],
  next: encodeLivePosition(next),
  hasMore: false,
  resyncRequired: true,
});

export async function syncChanges(
  db: Database,
  actor: Actor,
  request: { workspaceId: string; since: string | null; limit: number },
): Promise<SyncChanges> {
  const since = request.since === null ? null : decodeLivePosition(request.since, 'since');
  return db.withUser(actor, async (trx) => {
    if (since === null) return resync(await currentLivePosition(trx));
    const read = await readLiveLog(trx, request.workspaceId, since, request.limit, 'since');
    if (read.kind === 'gone') return resync(read.next);

    const changedConversations = new Set<string>();
    const deletedConversations = new Set<string>();
    const changedMessages = new Map<string, string>(); // message → its conversation
    const deletedMessages = new Map<string, string>();
    const refetch = new Set<Refetch>();
    for (const logged of read.events) {
      const event = toLiveEvent(logged);
      if (!event) continue;
      if (event.type === 'conversationDeleted') deletedConversations.add(event.conversationId);
      if (event.type === 'conversationUpdated') changedConversations.add(event.conversationId);
      if (event.type === 'messageCreated' || event.type === 'messageUpdated') {
        changedConversations.add(event.conversationId);
        changedMessages.set(event.messageId, event.conversationId);
      }
      if (event.type === 'messageDeleted') deletedMessages.set(event.messageId, event.conversationId);
      const screen = REFETCH[event.type];
      if (screen) refetch.add(screen);
    }
    const wanted = [...changedConversations].filter((id) => !deletedConversations.has(id));
    const conversations = await findConversationSummaries(trx, request.workspaceId, wanted);
    // Not there to show (deleted since its event, or one the inbox never lists): it goes, and its
    // messages with it, said by the conversation alone.
    const found = new Set(conversations.map((c) => c.id));
    const goneConversations = [...deletedConversations, ...wanted.filter((id) => !found.has(id))];
    const gone = new Set(goneConversations);
    const inShownConversation = (entries: Map<string, string>) =>
      [...entries].flatMap(([id, conversationId]) => (gone.has(conversationId) ? [] : [id]));
    const wantedMessages = inShownConversation(changedMessages).filter((id) => !deletedMessages.has(id));
    const messages = await findMessageViews(trx, request.workspaceId, wantedMessages);
    const foundMessages = new Set(messages.map((m) => m.id));
    return {
      conversations,
      messages,
      deleted: {
        conversationIds: goneConversations,
        messageIds: [
          ...wantedMessages.filter((id) => !foundMessages.has(id)),
          ...inShownConversation(deletedMessages),
        ],
      },
      refetch: [...refetch],
      next: encodeLivePosition(read.next),
      hasMore: read.more,
      resyncRequired: false,
    };
  });
}
