import { z } from 'zod';
import { WebUrlSchema } from '../meta/web-url.ts';

export const ConversationStatusSchema = z.enum(['ACTIVE', 'ARCHIVED']);

export const ListConversationsInput = z.object({
  status: ConversationStatusSchema.default('ACTIVE'),
  cursor: z
    .string()
    .max(200)
    .nullish()
    .transform((c) => c ?? null),
  limit: z.number().int().min(1).max(100).default(30),
  accountId: z.uuid().optional(),
  unreadOnly: z.boolean().optional(),
  assignedToMe: z.boolean().optional(),
  /** Only conversations holding comments, or direct messages. */
  holds: z.enum(['comments', 'messages']).optional(),
  search: z.string().max(100).optional(),
  /**
   * Only these conversations, those of them the list shows (a live update of rows on screen),
   * newest first: one page, whatever the limit.
   */
  ids: z.array(z.uuid()).min(1).max(50).optional(),
});

export const ConversationSummarySchema = z.object({
  id: z.uuid(),
  channelConnectionId: z.uuid(),
  accountName: z.string().nullable(),
  contactIdentifier: z.string(),
  contactName: z.string(),
  contactUsername: z.string().nullable(),
  contactAvatar: WebUrlSchema,
  status: ConversationStatusSchema,
  assignedTo: z.uuid().nullable(),
  lastMessageAt: z.iso.datetime(),
  lastMessagePreview: z.string().nullable(),
  lastInboundAt: z.iso.datetime().nullable(),
  unreadCount: z.number().int(),
  version: z
    .number()
    .int()
    .describe('Counts the conversation’s changes: of two copies (a read, a live event), keep the higher'),
});

export const ConversationListSchema = z.object({
  items: z.array(ConversationSummarySchema),
  nextCursor: z.string().nullable(),
});

/** One message as the thread shows it. */
export const ThreadMessageSchema = z.object({
  id: z.uuid(),
  direction: z.enum(['INBOUND', 'OUTBOUND']),
  kind: z.string(),
  text: z.string(),
  attachments: z.array(
    z.object({
      kind: z.string(),
      url: WebUrlSchema,
      title: z.string().nullable(),
      expired: z.boolean(),
      sticker: z.boolean(),
      elements: z
        .array(
          z.object({
            title: z.string().nullable(),
            subtitle: z.string().nullable(),
            imageUrl: WebUrlSchema,
            url: WebUrlSchema,
            buttons: z.array(
              z.object({
                type: z.string(),
                title: z.string().nullable(),
                url: WebUrlSchema,
                payload: z.string().nullable(),
              }),
            ),
          }),
        )
        .nullable(),
    }),
  ),
  status: z.string(),
  externalMessageId: z.string().nullable(),
  replyToExternalId: z.string().nullable(),
  quote: z.object({ direction: z.enum(['INBOUND', 'OUTBOUND']), preview: z.string() }).nullable(),
  storyReply: z.object({ url: WebUrlSchema, expired: z.boolean() }).nullable(),
  referral: z
    .object({
      source: z.enum(['AD', 'LINK', 'PRODUCT']),
      ref: z.string().nullable(),
      adId: z.string().nullable(),
      adTitle: z.string().nullable(),
      adPhotoUrl: WebUrlSchema,
      adPostId: z.string().nullable(),
      productId: z.string().nullable(),
    })
    .nullable(),
  sentOutsideInbox: z.boolean(),
  standby: z.boolean(),
  reactions: z.array(z.object({ emoji: z.string(), fromBusiness: z.boolean() })),
  businessReaction: z.string().nullable(),
  edited: z.boolean(),
  unsent: z.boolean(),
  seen: z.boolean(),
  occurredAt: z.iso.datetime(),
  errorMessage: z.string().nullable(),
  humanAgent: z.boolean(),
  comment: z
    .object({
      commentId: z.string().nullable(),
      parentId: z.string().nullable(),
      media: z
        .object({
          id: z.string(),
          productType: z.string().nullable(),
          permalink: WebUrlSchema,
          thumbnailUrl: WebUrlSchema,
          caption: z.string().nullable(),
        })
        .nullable(),
      adId: z.string().nullable(),
      adTitle: z.string().nullable(),
      live: z.boolean(),
      hidden: z.boolean(),
      privateReply: z
        .object({ state: z.enum(['open', 'replied', 'expired']), closesAt: z.iso.datetime() })
        .nullable(),
    })
    .nullable(),
  privateReplyTo: z.string().nullable(),
  /** A message of the business: the quick replies offered under its text. */
  quickReplies: z.array(z.object({ title: z.string(), payload: z.string() })).nullable(),
  /** A message of the customer that is their tap on a quick reply: its payload. */
  quickReplyPayload: z.string().nullable(),
});

export const ConversationViewSchema = z.object({
  contact: z.object({
    id: z.string(),
    name: z.string(),
    username: z.string().nullable(),
    avatar: WebUrlSchema,
  }),
  accountName: z.string().nullable(),
  status: ConversationStatusSchema,
  assignedTo: z.uuid().nullable(),
  assignee: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  assignedToMe: z.boolean(),
  window: z.discriminatedUnion('kind', [
    z.object({ kind: z.enum(['standard', 'human_agent']), closesAt: z.iso.datetime() }),
    z.object({ kind: z.literal('closed'), reason: z.string() }),
  ]),
  messages: z.array(ThreadMessageSchema),
  nextCursor: z.string().nullable(),
});

/** A message on its own (`messages.byIds`, `sync.changes`): as the thread shows it, and whose it is. */
export const MessageViewSchema = ThreadMessageSchema.extend({ conversationId: z.uuid() });
