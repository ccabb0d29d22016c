// Fills in a contact's name, username and picture from Meta's User Profile API. Runs as its own
// job: message storage never waits for it, and Meta's refusals (no consent yet, unknown user) are
// recorded rather than retried. A refused token marks the account for reconnection.
import { z } from 'zod';
import { findConnectionCredentials, markNeedsReauth } from '../accounts/index.ts';
import type { TokenCipher } from '../crypto/token-cipher.ts';
import { tokenContext } from '../crypto/token-cipher.ts';
import type { Database } from '../db/database.ts';
import type { RateLimiter } from '../jobs/rate-limiter.ts';
import { GraphApiError, type GraphClient } from '../meta/graph-client.ts';
import { findContactFetchedAt, recordContactFetchError, saveContactProfile } from './contacts.repository.ts';

export interface EnrichDeps {
  db: Database;
  graph: GraphClient;
  cipher: TokenCipher;
  limiter: RateLimiter;
}

export type EnrichOutcome = 'enriched' | 'fresh' | 'no_consent' | 'not_found' | 'no_token' | 'token_invalid';

const PROFILE_TTL_MS = 24 * 60 * 60 * 1000;
const FIELDS =
  'name,username,profile_pic,follower_count,is_user_follow_business,is_business_follow_user,is_verified_user';

const Profile = z.object({
  name: z.string().nullish(),
  username: z.string().nullish(),
  profile_pic: z.string().nullish(),
  follower_count: z.number().nullish(),
  is_verified_user: z.boolean().nullish(),
  is_user_follow_business: z.boolean().nullish(),
  is_business_follow_user: z.boolean().nullish(),
});

export async function enrichContact(
  deps: EnrichDeps,
  contact: { connectionId: string; igsid: string },
): Promise<EnrichOutcome> {
  const { db } = deps;
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

  const token = deps.cipher.decrypt(connection.accessToken, tokenContext(connection.id, 'access_token'));
  await deps.limiter.take(connection.id);
  try {
    const raw = await deps.graph.request<unknown>({
      loginPath: connection.loginPath,
      path: encodeURIComponent(contact.igsid),
      token,
      query: { fields: FIELDS },
    });
    const profile = Profile.parse(raw);
    await db.withService((trx) =>
      saveContactProfile(trx, contact, {
        name: profile.name ?? null,
        username: profile.username ?? null,
        profilePic: profile.profile_pic ?? null,
        followerCount: profile.follower_count ?? null,
        isVerifiedUser: profile.is_verified_user ?? null,
        isUserFollowBusiness: profile.is_user_follow_business ?? null,
        isBusinessFollowUser: profile.is_business_follow_user ?? null,
      }),
    );
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
