// The accounts slice: Instagram accounts: connect, disconnect, tokens, status, webhook subscriptions, Meta callbacks.
// Other code imports only this file (see docs/architecture.md).

export { WEBHOOK_FIELDS } from '../meta/graph-api.ts';
export { readSignedRequest, SignedRequestError, type SignedRequestPayload } from '../meta/signed-request.ts';
export { beginConnect, callbackUrl } from './begin-connect.ts';
export { completeConnect } from './complete-connect.ts';
export { getConnectionStatus, listAccountStatuses } from './connection-status.ts';
export type { ConnectionRef } from './connections.repository.ts';
export {
  findConnectionCredentials,
  findLiveConnections,
  listConnectedAccounts,
  listLiveConnectionIds,
  listWorkspaceAccountIds,
  markNeedsReauth,
  recordEventReceived,
  recordSubscribed,
} from './connections.repository.ts';
export { disconnectAccount } from './disconnect-account.ts';
export { deauthorize, findDeletionStatus, requestDataDeletion } from './meta-callbacks.ts';
export type { ReturnScreen } from './oauth-states.ts';
export { consumeOAuthState } from './oauth-states.ts';
export type { SubscriptionServices, WebhookSubscription } from './read-webhook-subscriptions.ts';
export { readWebhookSubscriptions } from './read-webhook-subscriptions.ts';
export { refreshTokensJob } from './refresh-tokens.job.ts';
export { rotateTokenKeys } from './rotate-token-keys.ts';
