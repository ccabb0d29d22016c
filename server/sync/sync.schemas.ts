import { z } from 'zod';
import { ConversationSummarySchema, MessageViewSchema } from '../conversations/index.ts';
import { LIVE_POSITION_MAX_LENGTH } from '../realtime/live-position.ts';

export const SyncChangesInput = z.object({
  since: z
    .string()
    .max(LIVE_POSITION_MAX_LENGTH)
    .nullable()
    .describe(
      'A live event id, or the `next` of the previous call; null for a start point (`resyncRequired`)',
    ),
  limit: z.number().int().min(1).max(2000).default(500).describe('How many changes to read at most'),
});

export const SyncChangesSchema = z.object({
  conversations: z
    .array(ConversationSummarySchema)
    .describe('Conversations created or changed (new messages, read, archived, assigned): their state now'),
  messages: z.array(MessageViewSchema).describe('Messages created or changed: their state now'),
  deleted: z.object({
    conversationIds: z.array(z.uuid()).describe('Conversations gone: drop them and their messages'),
    messageIds: z.array(z.uuid()).describe('Messages gone (purged, erased)'),
  }),
  refetch: z
    .array(z.enum(['accounts', 'leads', 'team', 'historyImports']))
    .describe('Other things that changed: refetch these if you show them'),
  next: z
    .string()
    .describe('Where you stand now: the `since` of the next call (or a `lastEventId` for live.events)'),
  hasMore: z.boolean().describe('More changes wait: call again with `next` at once'),
  resyncRequired: z
    .boolean()
    .describe('`since` is older than the log keeps (or null): refetch what you show, then go on from `next`'),
});
