// The retention API's shapes, shared by tRPC and its tests.
import { z } from 'zod';

/** Messages: forever (null) or 7 days to 10 years; raw deliveries: 1 day to 10 years. */
export const RetentionPolicySchema = z.object({
  messageDays: z.number().int().min(7).max(3650).nullable(),
  deliveryDays: z.number().int().min(1).max(3650),
});

export const RetentionSettingsSchema = RetentionPolicySchema.extend({
  lastPurge: z
    .object({ at: z.iso.datetime(), messages: z.number().int(), deliveries: z.number().int() })
    .nullable(),
});
