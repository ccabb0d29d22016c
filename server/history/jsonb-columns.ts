// The codec of history_imports.recent_fetches (server/db/jsonb.ts says why every jsonb value goes
// through its column's codec): conversation id → when the import's first pass fetched it (epoch ms).
import { z } from 'zod';
import { jsonbCodec } from '../db/jsonb.ts';

export const recentFetchesColumn = jsonbCodec(
  'history_imports.recent_fetches',
  z.record(z.string(), z.number().int().nonnegative()),
);
