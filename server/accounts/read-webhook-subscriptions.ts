// Asks Meta, per connected account, whether our app is subscribed to its webhooks and with which
// fields (reference §2.6, §3.4). Informational: an account Meta does not deliver for looks healthy
// everywhere else, and this is the one place that says so.
import { z } from 'zod';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import { tokenContext } from '../crypto/token-cipher.ts';
import type { Actor, Database } from '../db/database.ts';
import type { LoginPath } from '../meta/graph-client.ts';
import { GraphApiError, type GraphClient, GraphNetworkError } from '../meta/graph-client.ts';
import { WEBHOOK_FIELDS } from './complete-connect.ts';
import { type AccountStatus, listAccountStatuses } from './connection-status.ts';
import { type ConnectionCredentials, findConnectionCredentials } from './connections.repository.ts';

export interface SubscriptionDeps {
  db: Database;
  graph: GraphClient;
  cipher: TokenCipher;
  /** Our app ids: a Page's subscribed_apps lists every app subscribed to it, ours among them. */
  appIds: readonly string[];
}

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

const SubscribedApps = z.object({
  data: z.array(
    z.looseObject({
      id: z.union([z.string(), z.number()]).transform(String).optional(),
      subscribed_fields: z.array(z.string()).optional(),
    }),
  ),
});

export async function readWebhookSubscriptions(
  deps: SubscriptionDeps,
  actor: Actor,
  workspaceId: string,
): Promise<WebhookSubscription[]> {
  const accounts = await deps.db.withUser(actor, (trx) => listAccountStatuses(trx, workspaceId));
  return Promise.all(
    accounts.filter((account) => account.status !== 'DISCONNECTED').map((account) => askMeta(deps, account)),
  );
}

async function askMeta(deps: SubscriptionDeps, account: AccountStatus): Promise<WebhookSubscription> {
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
  const credentials = await deps.db.withService((trx) => findConnectionCredentials(trx, account.id));
  const token = credentials && unseal(deps.cipher, credentials);
  if (!credentials || !token) {
    return report(null, [], 'No usable access token is stored for this account: reconnect it.');
  }
  const subscriber =
    credentials.loginPath === 'facebook' ? credentials.providerAccountId : credentials.channelIdentifier;
  if (!subscriber) return report(null, [], 'The Facebook Page of this account is unknown: reconnect it.');

  try {
    const answer = SubscribedApps.parse(
      await deps.graph.request({
        loginPath: credentials.loginPath,
        path: `${subscriber}/subscribed_apps`,
        token,
      }),
    );
    const fields = ourFields(answer, deps.appIds);
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
    return cipher.decrypt(credentials.accessToken, tokenContext(credentials.id, 'access_token'));
  } catch {
    // Sealed under a key no longer configured: the account must be reconnected either way.
    return null;
  }
}

/**
 * Our app's fields. An Instagram account's answer has one unnamed entry (the caller's app); a
 * Page's lists each app subscribed to it by id, and another CRM's subscription is not ours.
 */
function ourFields(answer: z.infer<typeof SubscribedApps>, appIds: readonly string[]): string[] {
  const named = answer.data.filter((entry) => entry.id !== undefined);
  const ours = named.length > 0 ? named.filter((entry) => appIds.includes(entry.id as string)) : answer.data;
  return [...new Set(ours.flatMap((entry) => entry.subscribed_fields ?? []))];
}
