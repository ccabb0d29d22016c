// The realtime contract: the names the database's triggers publish under (spelled in SQL in
// supabase/migrations/), and that browsers (app/lib/live.ts), the mobile live feed and the tests
// read; topics.db.test.ts holds the SQL to them. Bundled into the browser: it imports nothing.

/** A workspace's private topic: every change in it. Members of the workspace may join. */
export const workspaceTopic = (workspaceId: string) => `workspace:${workspaceId}`;

/** A conversation's private topic: its messages. Members of its workspace may join. */
export const conversationTopic = (conversationId: string) => `conversation:${conversationId}`;

/** What the triggers broadcast; payloads carry ids and states only. */
export const BROADCAST_EVENTS = {
  messageCreated: 'message_created',
  messageUpdated: 'message_updated',
  conversationUpdated: 'conversation_updated',
  leadCreated: 'lead_created',
  connectionUpdated: 'connection_updated',
  connectionDeleted: 'connection_deleted',
  teamUpdated: 'team_updated',
  historyImportUpdated: 'history_import_updated',
} as const;

/**
 * Not Realtime broadcasts: deletions go to the live log only. Mobile apps drop what they hold;
 * browsers leave with the account's own event, reload the erased contact's page, and meet purged
 * messages on their next read.
 */
export const LOG_ONLY_EVENTS = {
  conversationDeleted: 'conversation_deleted',
  /** A message deleted on its own (past the workspace's retention), not with its conversation. */
  messageDeleted: 'message_deleted',
} as const;

/** The same triggers pg_notify here, with the workspace id, so the live feed wakes on commit. */
export const LIVE_FEED_CHANNEL = 'inbox_live';
