import { sealToken, unsealToken } from '../meta/graph-api.ts';
import { OAuthExchangeError, refreshLongLived } from '../meta/instagram-oauth.ts';
import type { Services } from '../services.ts';
import { findTokensDue, markNeedsReauth, storeRefreshedToken } from './connections.repository.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Refresh when less than this is left: about once a month, with weeks to spare on failures. */
export const REFRESH_WHEN_LEFT_MS = 30 * DAY_MS;
/** Meta refuses to refresh a token younger than a day. */
export const MIN_TOKEN_AGE_MS = DAY_MS;

export type RefreshServices = Pick<Services, 'db' | 'cipher' | 'instagramOAuth'>;

export interface RefreshReport {
  refreshed: number;
  needsReauth: number;
  /** Meta could not be reached or failed; tried again on the next run. */
  postponed: number;
}

export async function refreshDueTokens(services: RefreshServices, now = new Date()): Promise<RefreshReport> {
  const report: RefreshReport = { refreshed: 0, needsReauth: 0, postponed: 0 };
  const due = await services.db.withService((trx) =>
    findTokensDue(trx, {
      expiringBefore: new Date(now.getTime() + REFRESH_WHEN_LEFT_MS),
      refreshedBefore: new Date(now.getTime() - MIN_TOKEN_AGE_MS),
      now,
    }),
  );

  for (const connection of due) {
    if (connection.token_expires_at && connection.token_expires_at <= now) {
      await services.db.withService((trx) =>
        markNeedsReauth(trx, connection.id, 'The Instagram token expired. Reconnect the account to resume.'),
      );
      report.needsReauth += 1;
      continue;
    }
    const current = unsealToken(services.cipher, connection.id, connection.access_token as string);
    try {
      const fresh = await refreshLongLived(services.instagramOAuth, current);
      await services.db.withService((trx) =>
        storeRefreshedToken(trx, connection.id, {
          accessToken: sealToken(services.cipher, connection.id, fresh.accessToken),
          expiresAt: fresh.expiresAt,
          refreshedAt: now,
        }),
      );
      report.refreshed += 1;
    } catch (error) {
      if (!(error instanceof OAuthExchangeError)) throw error;
      if (error.code === 190 || (error.status >= 400 && error.status < 500)) {
        await services.db.withService((trx) =>
          markNeedsReauth(trx, connection.id, `Instagram refused to refresh the token: ${error.message}`),
        );
        report.needsReauth += 1;
      } else {
        report.postponed += 1;
      }
    }
  }
  return report;
}
