// The history API's shapes, shared by tRPC and its tests.
import { z } from 'zod';
import { DEFAULT_HISTORY_DAYS } from './start-history-import.ts';

export const HistoryImportSchema = z.object({
  id: z.uuid(),
  connectionId: z.uuid(),
  kind: z.enum(['BACKFILL', 'RECONCILE']),
  status: z.enum(['RUNNING', 'DONE', 'FAILED']),
  since: z.iso.datetime(),
  conversations: z.number().int(),
  messages: z.number().int(),
  newMessages: z.number().int(),
  subscriptionProblem: z.string().nullable(),
  resubscribedAt: z.iso.datetime().nullable(),
  errorCount: z.number().int(),
  lastError: z.string().nullable(),
  reachedBackTo: z.iso.datetime().nullable(),
  progress: z.number().min(0).max(1),
  secondsLeft: z.number().int().nullable(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});

export const StartHistoryImportInput = z.object({
  connectionId: z.uuid(),
  /** How many days back; Meta keeps a conversation's last 20 messages with their details. */
  days: z.number().int().min(1).max(365).default(DEFAULT_HISTORY_DAYS),
});
