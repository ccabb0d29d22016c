import { z } from 'zod';

export const AuditPageInput = z.object({
  /** The `nextCursor` of the page before (newest first). */
  cursor: z.string().regex(/^\d+$/).nullish(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const AuditPageSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      actor: z.object({ id: z.uuid(), name: z.string().nullable() }).nullable(),
      action: z.string(),
      target: z.string().nullable(),
      detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      at: z.iso.datetime(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
