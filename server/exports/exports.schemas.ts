// What an export's query string may say: the filters of the list it exports, checked by that
// list's own schema, so an export accepts exactly what the list does. Paging (cursor, limit) is
// the export's own business, and an unknown parameter is refused rather than silently ignored.
import { z } from 'zod';
import { ListConversationsInput } from '../conversations/index.ts';
import { ListLeadsInput } from '../leads/index.ts';

/** A query string carries text: a flag is written "true" or "false" ("1" and "0" also do). */
const QueryFlag = z.stringbool().optional();

export const ExportLeadsQuery = ListLeadsInput.pick({ source: true, search: true }).strict();

export const ExportConversationsQuery = ListConversationsInput.pick({
  status: true,
  accountId: true,
  holds: true,
  search: true,
})
  .extend({ unreadOnly: QueryFlag, assignedToMe: QueryFlag })
  .strict();

export type ExportLeadsQuery = z.infer<typeof ExportLeadsQuery>;
export type ExportConversationsQuery = z.infer<typeof ExportConversationsQuery>;
