// The ingest slice: Webhook deliveries in: the ledger, ingest and replay, contact enrichment.
// Other code imports only this file (see docs/architecture.md).
export { webhookCallbackUrl } from '../meta/webhook-callback-url.ts';
export { answerVerification, receiveDelivery } from '../meta/webhook-endpoint.ts';
export { enrichContactJob } from './enrich-contact.job.ts';
export { eraseContactLedger, type LedgerErasure } from './erase-contact-ledger.ts';
export { ingestWebhookEventsJob } from './ingest-webhook-events.job.ts';
export { ingestWebhookEvents } from './ingest-webhook-events.ts';
export { listDeliveryOutcomes } from './instagram-events.repository.ts';
export { replayFailedDeliveries, replayWorkspaceDeliveries } from './replay-failed-deliveries.ts';
export { redactCopies } from './settle-message.ts';
export {
  countMessagesFirstSeen,
  findRecentLedgerEntryByBody,
  purgeDeliveriesBefore,
  purgeDeliveriesFor,
} from './webhook-ledger.repository.ts';
export { appendHistory, createWebhookLedger } from './webhook-ledger.ts';
