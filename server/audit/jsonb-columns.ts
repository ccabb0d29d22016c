// The codec of audit_events.detail (server/db/jsonb.ts says why every jsonb value goes through its
// column's codec): flat facts about the action (counts, choices), never a customer's data.
import { z } from 'zod';
import { jsonbCodec } from '../db/jsonb.ts';

export const auditDetailColumn = jsonbCodec(
  'audit_events.detail',
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
);
