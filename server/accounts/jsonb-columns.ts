// The codec of data_deletion_requests.summary, what a data deletion removed (server/db/jsonb.ts says
// why every jsonb value goes through its column's codec).
import { z } from 'zod';
import { jsonbCodec } from '../db/jsonb.ts';

export const deletionSummaryColumn = jsonbCodec(
  'data_deletion_requests.summary',
  z.record(z.string(), z.number()),
);
