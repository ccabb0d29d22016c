// Fills in a commented post's caption, link and picture from the Graph API, as its own job:
// storing a comment never waits for Meta. A refusal for good is recorded, not retried; a refused
// token marks the account for reconnection.
import { findConnectionCredentials, markNeedsReauth } from '../accounts/index.ts';
import { fetchMedia as fetchMediaDetails } from '../meta/comments-api.ts';
import { unsealToken } from '../meta/graph-api.ts';
import { GraphApiError } from '../meta/graph-client.ts';
import type { Services } from '../services.ts';
import { recordMediaFetchError, saveMedia } from './comments.repository.ts';

export type FetchMediaServices = Pick<Services, 'db' | 'graph' | 'cipher' | 'profileLookups'>;

export async function fetchMedia(
  services: FetchMediaServices,
  media: { connectionId: string; mediaId: string },
): Promise<'fetched' | 'refused' | 'no_token'> {
  const { db } = services;
  const connection = await db.withService((trx) => findConnectionCredentials(trx, media.connectionId));
  if (!connection?.accessToken || connection.status !== 'CONNECTED') {
    await db.withService((trx) => recordMediaFetchError(trx, media, 'the account has no usable token'));
    return 'no_token';
  }
  const token = unsealToken(services.cipher, connection.id, connection.accessToken);
  // Post lookups share the account's budget for lookups with profiles.
  await services.profileLookups.take(connection.id);
  try {
    const details = await fetchMediaDetails(services.graph, connection, token, media.mediaId);
    await db.withService((trx) => saveMedia(trx, media.connectionId, details));
    return 'fetched';
  } catch (error) {
    if (!(error instanceof GraphApiError) || error.isTransient) throw error; // retried with backoff
    await db.withService(async (trx) => {
      if (error.isTokenInvalid) {
        await markNeedsReauth(trx, connection.id, `Meta rejected the access token: ${error.message}`);
      }
      await recordMediaFetchError(trx, media, error.message);
    });
    return 'refused';
  }
}
