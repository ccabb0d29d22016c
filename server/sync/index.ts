// The sync slice: what changed since a position of the live log, for apps coming back online.
// Other code imports only this file (see docs/architecture.md).

export { SyncChangesInput, SyncChangesSchema } from './sync.schemas.ts';
export type { SyncChanges } from './sync-changes.ts';
export { syncChanges } from './sync-changes.ts';
