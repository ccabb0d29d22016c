import { z } from 'zod';

export const ConversationStatusSchema = z.enum(['ACTIVE', 'ARCHIVED']);

export const ListConversationsInput = z.object({
  status: ConversationStatusSchema.default('ACTIVE'),
  cursor: z
    .string()
    .max(200)
    .nullish()
    .transform((c) => c ?? null),
  limit: z.number().int().min(1).max(100).default(30),
});

export const ConversationSummarySchema = z.object({
  id: z.uuid(),
  channelConnectionId: z.uuid(),
  accountName: z.string().nullable(),
  contactIdentifier: z.string(),
  contactName: z.string(),
  contactUsername: z.string().nullable(),
  contactAvatar: z.string().nullable(),
  status: ConversationStatusSchema,
  assignedTo: z.uuid().nullable(),
  lastMessageAt: z.iso.datetime(),
  lastMessagePreview: z.string().nullable(),
  lastInboundAt: z.iso.datetime().nullable(),
  unreadCount: z.number().int(),
});

export const ConversationListSchema = z.object({
  items: z.array(ConversationSummarySchema),
  nextCursor: z.string().nullable(),
});
