// The retention slice: the daily purge of what is past each workspace's retention, and what it did.
// Other code imports only this file (see docs/architecture.md).

export { purgeExpiredJob } from './purge-expired.job.ts';
export { type PurgeReport, purgeExpired } from './purge-expired.ts';
export { readRetention } from './read-retention.ts';
export { RetentionPolicySchema, RetentionSettingsSchema } from './retention.schemas.ts';
