// The history slice: an account's past conversations from Meta's Conversations API (backfill on
// connect and on demand), entering the inbox through the webhook ledger (decision 017).
// Other code imports only this file (see docs/architecture.md).
export { HistoryImportSchema, StartHistoryImportInput } from './history.schemas.ts';
export { importHistoryJob } from './import-history.job.ts';
export { type HistoryImportView, listHistoryImports } from './list-history-imports.ts';
export { reconcileAccountsJob } from './reconcile-accounts.job.ts';
export { DEFAULT_HISTORY_DAYS, startHistoryImport } from './start-history-import.ts';
