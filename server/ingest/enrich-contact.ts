// Fills in a contact's name, username and picture from Meta's User Profile API. Runs as its own
// job: message storage never waits for it, and Meta's refusals (no consent yet, unknown user) are
// recorded rather than retried. A refused token marks the account for reconnection.
import { findConnectionCredentials, markNeedsReauth } from '../accounts/index.ts';
import { lockConversationKey } from '../conversations/index.ts';
import { fetchProfile, unsealToken } from '../meta/graph-api.ts';
import { GraphApiError } from '../meta/graph-client.ts';
import type { Services } from '../services.ts';
import { findContactFetchedAt, recordContactFetchError, saveContactProfile } from './contacts.repository.ts';

export type EnrichServices = Pick<Services, 'db' | 'graph' | 'cipher' | 'profileLookups'>;

export type EnrichOutcome = 'enriched' | 'fresh' | 'no_consent' | 'not_found' | 'no_token' | 'token_invalid';

const PROFILE_TTL_MS = 24 * 60 * 60 * 1000;

export async function enrichContact(
  services: EnrichServices,
  contact: { connectionId: string; igsid: string },
): Promise<EnrichOutcome> {
  const { db } = services;
  const [connection, fetchedAt] = await db.withService((trx) =>
    Promise.all([
      findConnectionCredentials(trx, contact.connectionId),
      findContactFetchedAt(trx, contact.connectionId, contact.igsid),
    ]),
  );
  if (!connection || fetchedAt === undefined) return 'not_found';
  if (fetchedAt && Date.now() - fetchedAt.getTime() < PROFILE_TTL_MS) return 'fresh';
  if (!connection.accessToken || connection.status !== 'CONNECTED') {
    await db.withService((trx) => recordContactFetchError(trx, contact, 'the account has no usable token'));
    return 'no_token';
  }

  const token = unsealToken(services.cipher, connection.id, connection.accessToken);
  await services.profileLookups.take(connection.id);
  try {
    const profile = await fetchProfile(services.graph, connection, token, contact.igsid);
    await db.withService(async (trx) => {
      // The profile is written to the contact's conversation and lead too: under the conversation's
      // key, as ingest writes them, or the two lock the same rows in opposite orders (deadlock).
      await lockConversationKey(trx, contact.connectionId, contact.igsid);
      await saveContactProfile(trx, contact, profile);
    });
    return 'enriched';
  } catch (error) {
    if (!(error instanceof GraphApiError) || error.isTransient) throw error; // retried with backoff
    if (error.isTokenInvalid) {
      await db.withService(async (trx) => {
        await markNeedsReauth(trx, connection.id, `Meta rejected the access token: ${error.message}`);
        await recordContactFetchError(trx, contact, 'the account token was rejected');
      });
      return 'token_invalid';
    }
    const outcome = error.code === 230 ? 'no_consent' : 'not_found';
    await db.withService((trx) => recordContactFetchError(trx, contact, `${outcome}: ${error.message}`));
    return outcome;
  }
}
