// Starts an import of an account's past conversations: a backfill (on connect, and when an admin
// asks from the Accounts card) reaches back a number of days; a reconciliation (hourly, when a
// worker starts, and on demand) reaches back to where the account was last looked at. One import
// runs per account at a time; asking again while one runs finds it.
import { findConnectionCredentials } from '../accounts/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Tx } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import { findRetentionPolicy } from '../team/index.ts';
import { lastLookedAt, startImport } from './history-imports.repository.ts';
import { queueImportPage } from './import-history.job.ts';

/** How far back a backfill reaches unless asked otherwise, and a first reconciliation at most. */
export const DEFAULT_HISTORY_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How far before the last look a reconciliation starts. A message written before the last look
 * was in Meta's API when it looked, whether or not its webhook had come; the overlap is for
 * Meta's clock and ours differing a little.
 */
const RECONCILE_OVERLAP_MS = 60 * 1000;

export type ImportRequest = {
  workspaceId: string;
  connectionId: string;
  requestedBy: string | null;
} & ({ kind: 'BACKFILL'; days: number } | { kind: 'RECONCILE' });

export async function startHistoryImport(
  services: Pick<Services, 'db' | 'enqueue'>,
  request: ImportRequest,
): Promise<{ importId: string; started: boolean }> {
  return services.db.withService(async (trx) => {
    const connection = await findConnectionCredentials(trx, request.connectionId);
    if (!connection || connection.workspaceId !== request.workspaceId) {
      throw new AppError('NOT_FOUND', 'There is no such account in this workspace.');
    }
    if (connection.status !== 'CONNECTED') {
      throw new AppError('UNPROCESSABLE', 'Reconnect the account before importing its history.', {
        reason: 'account_needs_reconnect',
      });
    }
    const { id, started } = await startImport(trx, {
      workspaceId: request.workspaceId,
      connectionId: request.connectionId,
      kind: request.kind,
      since: await sinceFor(trx, request),
      requestedBy: request.requestedBy,
    });
    if (started) await queueImportPage(services, trx, { importId: id, page: 0 });
    // An operator's request (a connect's import included) is theirs; the hourly check is the server's.
    if (started && request.requestedBy) {
      await recordAudit(trx, request.requestedBy, {
        workspaceId: request.workspaceId,
        action: request.kind === 'BACKFILL' ? 'history.import' : 'history.reconcile',
        target: connection.channelIdentifier,
        detail: request.kind === 'BACKFILL' ? { days: request.days } : {},
      });
    }
    return { importId: id, started };
  });
}

/** Never further back than the workspace keeps messages: what retention purged stays purged. */
async function sinceFor(trx: Tx, request: ImportRequest): Promise<Date> {
  const now = Date.now();
  const kept = (await findRetentionPolicy(trx, request.workspaceId))?.messageDays;
  const earliest = now - Math.min(kept ?? Number.POSITIVE_INFINITY, DEFAULT_HISTORY_DAYS) * DAY_MS;
  if (request.kind === 'BACKFILL') {
    return new Date(Math.max(now - request.days * DAY_MS, now - (kept ?? request.days) * DAY_MS));
  }
  const looked = await lastLookedAt(trx, request.connectionId);
  return new Date(Math.max(earliest, looked ? looked.getTime() - RECONCILE_OVERLAP_MS : earliest));
}
