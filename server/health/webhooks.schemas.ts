import { z } from 'zod';

export const WebhookCheckSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['passed', 'failed', 'skipped']),
  durationMs: z.number().int().nonnegative().nullable(),
  httpStatus: z.number().int().nullable(),
  expected: z.string(),
  observed: z.string(),
  explanation: z.string(),
});

export const WebhookSubscriptionSchema = z.object({
  connectionId: z.uuid(),
  accountName: z.string().nullable(),
  accountId: z.string(),
  loginPath: z.enum(['instagram', 'facebook']),
  /** Null when Meta could not be asked (the detail says why). */
  subscribed: z.boolean().nullable(),
  fields: z.array(z.string()),
  missingFields: z.array(z.string()),
  detail: z.string(),
});

export const WebhookSelfTestSchema = z.object({
  passed: z.boolean(),
  callbackUrl: z.url(),
  ranAt: z.iso.datetime(),
  durationMs: z.number().int().nonnegative(),
  checks: z.array(WebhookCheckSchema),
  subscriptions: z.array(WebhookSubscriptionSchema),
});
