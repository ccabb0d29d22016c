import { z } from 'zod';
import { WebUrlSchema } from '../meta/web-url.ts';

export const LeadSourceSchema = z.enum([
  'DM',
  'STORY_REPLY',
  'STORY_MENTION',
  'AD',
  'REFERRAL',
  'PRODUCT',
  'IMPORTED',
  'COMMENT',
  'AD_COMMENT',
]);

export const ListLeadsInput = z.object({
  source: LeadSourceSchema.optional(),
  search: z.string().max(100).optional(),
  cursor: z
    .string()
    .max(200)
    .nullish()
    .transform((c) => c ?? null),
  limit: z.number().int().min(1).max(100).default(50),
});

export const LeadSummarySchema = z.object({
  id: z.uuid(),
  conversationId: z.uuid().nullable(),
  contactIdentifier: z.string(),
  contactName: z.string().nullable(),
  contactUsername: z.string().nullable(),
  contactAvatar: WebUrlSchema,
  source: LeadSourceSchema,
  sourceRef: z.string().nullable(),
  sourceAdId: z.string().nullable(),
  sourceProductId: z.string().nullable(),
  ad: z
    .object({ title: z.string().nullable(), photoUrl: WebUrlSchema, postId: z.string().nullable() })
    .nullable(),
  status: z.enum(['NEW', 'CONTACTED', 'QUALIFIED', 'WON', 'LOST']),
  account: z.object({
    id: z.uuid(),
    name: z.string().nullable(),
    status: z.enum(['CONNECTED', 'NEEDS_REAUTH', 'DISCONNECTED']),
  }),
  createdAt: z.iso.datetime(),
});

export const LeadListSchema = z.object({
  items: z.array(LeadSummarySchema),
  nextCursor: z.string().nullable(),
});
