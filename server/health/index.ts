// The health slice: The integration's health and the webhook self-test.
// Other code imports only this file (see docs/architecture.md).
export { HEALTH_TOTALS_DAYS, purgeHealthTotals } from './health.repository.ts';
export { readHealth } from './read-health.ts';
export type { WebhookSelfTestConfig } from './run-webhook-self-test.ts';
export { runWebhookSelfTest } from './run-webhook-self-test.ts';
export { webhookSelfTestConfig } from './webhook-self-test-config.ts';
export { WebhookSelfTestSchema } from './webhooks.schemas.ts';
