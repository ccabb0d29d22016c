// The events of `live.events` (and the changes `sync.changes` reads): one typed, camelCase union,
// mapped here and only here from the snake_case bodies the database's triggers publish
// (topics.ts names them). Events carry ids and states only: fetch the rest through the API.
import { z } from 'zod';
import { BROADCAST_EVENTS, CONVERSATION_DELETED_EVENT } from './topics.ts';

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
    .describe('A message was added to a conversation (received, or queued by an operator).'),
  z
    .object({
      type: z.literal('messageUpdated'),
      conversationId: id,
      messageId: id,
      status: MessageStatusSchema,
      at,
    })
    .describe('A message changed: its delivery state, a reaction, an edit, an unsend, a hidden comment.'),
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

/** The API's form of a published change; undefined for one this version does not know. */
export function toLiveEvent(change: PublishedChange): LiveEvent | undefined {
  const b = change.body;
  const at = change.at.toISOString();
  switch (change.event) {
    case BROADCAST_EVENTS.messageCreated:
    case BROADCAST_EVENTS.messageUpdated:
      return LiveEventSchema.parse({
        type: change.event === BROADCAST_EVENTS.messageCreated ? 'messageCreated' : 'messageUpdated',
        conversationId: b.conversation_id,
        messageId: b.message_id,
        status: b.status,
        at,
      });
    case BROADCAST_EVENTS.conversationUpdated:
      return LiveEventSchema.parse({
        type: 'conversationUpdated',
        conversationId: b.conversation_id,
        unreadCount: b.unread_count,
        status: b.status,
        version: b.version,
        at,
      });
    case CONVERSATION_DELETED_EVENT:
      return { type: 'conversationDeleted', conversationId: String(b.conversation_id), at };
    case BROADCAST_EVENTS.leadCreated:
      return LiveEventSchema.parse({
        type: 'leadCreated',
        leadId: b.lead_id,
        conversationId: b.conversation_id ?? null,
        at,
      });
    case BROADCAST_EVENTS.connectionUpdated:
      return LiveEventSchema.parse({
        type: 'connectionUpdated',
        channelConnectionId: b.channel_connection_id,
        status: b.status,
        at,
      });
    case BROADCAST_EVENTS.connectionDeleted:
      return { type: 'connectionDeleted', channelConnectionId: String(b.channel_connection_id), at };
    case BROADCAST_EVENTS.teamUpdated:
      return { type: 'teamUpdated', at };
    case BROADCAST_EVENTS.historyImportUpdated:
      return LiveEventSchema.parse({
        type: 'historyImportUpdated',
        historyImportId: b.history_import_id,
        channelConnectionId: b.channel_connection_id,
        status: b.status,
        at,
      });
    default:
      return undefined;
  }
}
