// The events of `live.events` (and the changes `sync.changes` reads): one typed, camelCase union,
// mapped here and only here from the snake_case bodies the database's triggers publish
// (topics.ts names them). Events carry ids and states only: fetch the rest through the API.
// A logged body that breaks its type (a status added in SQL before here) is skipped and said in
// the server's log: a reader moves past it rather than failing on it until the log is purged.
import { z } from 'zod';
import { BROADCAST_EVENTS, LOG_ONLY_EVENTS } from './topics.ts';

const id = z.uuid();
const at = z.iso.datetime().describe('When the change was made (its transaction began)');

const MessageStatusSchema = z.enum([
  'RECEIVED',
  'QUEUED',
  'SENDING',
  'SENT',
  'DELIVERED',
  'READ',
  'FAILED',
  'UNCERTAIN',
]);

export const LiveEventSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('resyncRequired'),
      reason: z.enum(['subscribed', 'resumePointExpired']),
      at,
    })
    .describe(
      'Refetch what you show: what happened before this point was not streamed to you. First on every ' +
        'subscription without `lastEventId` (`subscribed`), and when the resume point is older than ' +
        'the log keeps (`resumePointExpired`). Its id is a resume point like any other.',
    ),
  z
    .object({
      type: z.literal('messageCreated'),
      conversationId: id,
      messageId: id,
      status: MessageStatusSchema,
      at,
    })
    .describe(
      'A message was added to a conversation (received, or queued by an operator). `status` is its ' +
        'state in that change: fetch the message (`sync.changes`, `messages.byIds`) for its state now, ' +
        'since two changes to one message made at once may reach you in either order.',
    ),
  z
    .object({
      type: z.literal('messageUpdated'),
      conversationId: id,
      messageId: id,
      status: MessageStatusSchema,
      at,
    })
    .describe(
      'A message changed: its delivery state, a reaction, an edit, an unsend, a hidden comment. As ' +
        'for `messageCreated`, the fetched message is the authority on its state.',
    ),
  z
    .object({ type: z.literal('messageDeleted'), conversationId: id, messageId: id, at })
    .describe(
      'A message is gone on its own: purged past the workspace’s retention. (Messages that go with ' +
        'their conversation are said by `conversationDeleted`.)',
    ),
  z
    .object({
      type: z.literal('conversationUpdated'),
      conversationId: id,
      unreadCount: z.number().int(),
      status: z.enum(['ACTIVE', 'ARCHIVED']),
      version: z
        .number()
        .int()
        .describe('Counts the conversation’s changes: keep the state with the higher version'),
      at,
    })
    .describe('A conversation was created or changed (new activity, read, archived, assigned).'),
  z
    .object({ type: z.literal('conversationDeleted'), conversationId: id, at })
    .describe('A conversation is gone (its contact erased, or its account deleted with its history).'),
  z.object({ type: z.literal('leadCreated'), leadId: id, conversationId: id.nullable(), at }),
  z
    .object({
      type: z.literal('connectionUpdated'),
      channelConnectionId: id,
      status: z.enum(['CONNECTED', 'NEEDS_REAUTH', 'DISCONNECTED']),
      at,
    })
    .describe('An Instagram account was connected, or its state changed.'),
  z.object({ type: z.literal('connectionDeleted'), channelConnectionId: id, at }),
  z
    .object({ type: z.literal('teamUpdated'), at })
    .describe('Members, roles or invitations changed: refetch the team.'),
  z.object({
    type: z.literal('historyImportUpdated'),
    historyImportId: id,
    channelConnectionId: id,
    status: z.enum(['RUNNING', 'DONE', 'FAILED']),
    at,
  }),
]);

export type LiveEvent = z.infer<typeof LiveEventSchema>;

/** A change as the log holds it: the trigger's event name and body. */
export interface PublishedChange {
  event: string;
  body: Record<string, unknown>;
  at: Date;
}

/**
 * The API's form of a published change; undefined for one this version does not know, and for a
 * body that breaks its event's type.
 */
export function toLiveEvent(change: PublishedChange): LiveEvent | undefined {
  const candidate = candidateEvent(change);
  if (candidate === undefined) return undefined;
  const parsed = LiveEventSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  // Names only: a body can hold ids of customers' conversations, never worth a log line.
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
  console.warn(`live: a logged ${change.event} was skipped; its ${fields} broke the event's type`);
  return undefined;
}

function candidateEvent(change: PublishedChange): Record<string, unknown> | undefined {
  const b = change.body;
  const at = change.at.toISOString();
  switch (change.event) {
    case BROADCAST_EVENTS.messageCreated:
    case BROADCAST_EVENTS.messageUpdated:
      return {
        type: change.event === BROADCAST_EVENTS.messageCreated ? 'messageCreated' : 'messageUpdated',
        conversationId: b.conversation_id,
        messageId: b.message_id,
        status: b.status,
        at,
      };
    case LOG_ONLY_EVENTS.messageDeleted:
      return { type: 'messageDeleted', conversationId: b.conversation_id, messageId: b.message_id, at };
    case BROADCAST_EVENTS.conversationUpdated:
      return {
        type: 'conversationUpdated',
        conversationId: b.conversation_id,
        unreadCount: b.unread_count,
        status: b.status,
        version: b.version,
        at,
      };
    case LOG_ONLY_EVENTS.conversationDeleted:
      return { type: 'conversationDeleted', conversationId: b.conversation_id, at };
    case BROADCAST_EVENTS.leadCreated:
      return { type: 'leadCreated', leadId: b.lead_id, conversationId: b.conversation_id ?? null, at };
    case BROADCAST_EVENTS.connectionUpdated:
      return {
        type: 'connectionUpdated',
        channelConnectionId: b.channel_connection_id,
        status: b.status,
        at,
      };
    case BROADCAST_EVENTS.connectionDeleted:
      return { type: 'connectionDeleted', channelConnectionId: b.channel_connection_id, at };
    case BROADCAST_EVENTS.teamUpdated:
      return { type: 'teamUpdated', at };
    case BROADCAST_EVENTS.historyImportUpdated:
      return {
        type: 'historyImportUpdated',
        historyImportId: b.history_import_id,
        channelConnectionId: b.channel_connection_id,
        status: b.status,
        at,
      };
    default:
      return undefined;
  }
}
