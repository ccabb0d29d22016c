// Asks Meta, per connected account, whether our app is subscribed to its webhooks and with which
// fields (reference §2.6, §3.4). Informational: an account Meta does not deliver for looks healthy
// everywhere else, and this is the one place that says so.
import { z } from 'zod';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Actor } from '../db/database.ts';
import { readSubscriptions, subscriberId, unsealToken, WEBHOOK_FIELDS } from '../meta/graph-api.ts';
import type { LoginPath } from '../meta/graph-client.ts';
import { GraphApiError, GraphNetworkError } from '../meta/graph-client.ts';
import type { Services } from '../services.ts';
import { type AccountStatus, listAccountStatuses } from './connection-status.ts';
import { type ConnectionCredentials, findConnectionCredentials } from './connections.repository.ts';

export type SubscriptionServices = Pick<Services, 'db' | 'graph' | 'cipher' | 'metaAppIds'>;

export interface WebhookSubscription {
  connectionId: string;
  accountName: string | null;
  accountId: string;
  loginPath: LoginPath;
  /** Null when Meta could not be asked. */
  subscribed: boolean | null;
  fields: string[];
  /** Fields the inbox uses that Meta does not report. */
  missingFields: string[];
  detail: string;
}

export async function readWebhookSubscriptions(
  services: SubscriptionServices,
  actor: Actor,
  workspaceId: string,
): Promise<WebhookSubscription[]> {
  const accounts = await services.db.withUser(actor, (trx) => listAccountStatuses(trx, workspaceId));
  return Promise.all(
    accounts
      .filter((account) => account.status !== 'DISCONNECTED')
      .map((account) => askMeta(services, account)),
  );
}

async function askMeta(services: SubscriptionServices, account: AccountStatus): Promise<WebhookSubscription> {
  const report = (subscribed: boolean | null, fields: string[], detail: string): WebhookSubscription => ({
    connectionId: account.id,
    accountName: account.accountName,
    accountId: account.accountId,
    loginPath: account.loginPath,
    subscribed,
    fields,
    missingFields: subscribed ? WEBHOOK_FIELDS.filter((field) => !fields.includes(field)) : [],
    detail,
  });
  // Operators can never read tokens (no grant on the column), so the sealed token is read as the
  // server, for an account the operator's own read under RLS has just returned.
  const credentials = await services.db.withService((trx) => findConnectionCredentials(trx, account.id));
  const token = credentials && unseal(services.cipher, credentials);
  if (!credentials || !token) {
    return report(null, [], 'No usable access token is stored for this account: reconnect it.');
  }
  if (!subscriberId(credentials))
    return report(null, [], 'The Facebook Page of this account is unknown: reconnect it.');

  try {
    const fields = await readSubscriptions(services.graph, credentials, token, services.metaAppIds);
    if (fields.length === 0) {
      return report(
        false,
        [],
        "Meta reports no webhook subscription for this account, so its messages don't reach the inbox. Reconnect it to subscribe again.",
      );
    }
    const missing = WEBHOOK_FIELDS.filter((field) => !fields.includes(field));
    return report(
      true,
      fields,
      missing.length === 0
        ? 'Meta reports the app subscribed to every field the inbox uses.'
        : `Subscribed, but Meta does not report ${missing.join(', ')}. Add them in the App Dashboard's webhook fields, then reconnect the account.`,
    );
  } catch (error) {
    if (error instanceof GraphApiError) {
      return report(
        null,
        [],
        error.isTokenInvalid
          ? 'Meta rejected the access token: reconnect the account.'
          : `Meta refused the question: ${error.message}`,
      );
    }
    if (error instanceof GraphNetworkError) return report(null, [], `Could not reach Meta: ${error.message}`);
    if (error instanceof z.ZodError) return report(null, [], "Meta's answer was not in the expected shape.");
    throw error;
  }
}

function unseal(cipher: TokenCipher, credentials: ConnectionCredentials): string | null {
  if (!credentials.accessToken) return null;
  try {
    return unsealToken(cipher, credentials.id, credentials.accessToken);
  } catch {
    // Sealed under a key no longer configured: the account must be reconnected either way.
    return null;
  }
}
