// Starts importing an account's past conversations: on connect, and when an admin asks from the
// Accounts card. One import runs per account at a time; asking again while one runs finds it.
import { findConnectionCredentials } from '../accounts/index.ts';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import { type ImportKind, startImport } from './history-imports.repository.ts';
import { queueImportPage } from './import-history.job.ts';

/** How far back an import reaches unless asked otherwise. */
export const DEFAULT_HISTORY_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

export async function startHistoryImport(
  services: Pick<Services, 'db' | 'enqueue'>,
  request: {
    workspaceId: string;
    connectionId: string;
    kind: ImportKind;
    days: number;
    requestedBy: string | null;
  },
): Promise<{ importId: string; started: boolean }> {
  return services.db.withService(async (trx) => {
    const connection = await findConnectionCredentials(trx, request.connectionId);
    if (!connection || connection.workspaceId !== request.workspaceId) {
      throw new AppError('NOT_FOUND', 'There is no such account in this workspace.');
    }
    if (connection.status !== 'CONNECTED') {
      throw new AppError('CONFLICT', 'Reconnect the account before importing its history.');
    }
    const { id, started } = await startImport(trx, {
      workspaceId: request.workspaceId,
      connectionId: request.connectionId,
      kind: request.kind,
      since: new Date(Date.now() - request.days * DAY_MS),
      requestedBy: request.requestedBy,
    });
    if (started) await queueImportPage(services, trx, { importId: id, page: 0 });
    return { importId: id, started };
  });
}
