// An export as an HTTP download, for the app's resource routes: the operator must be a member of
// the workspace (404 otherwise, as for every workspace read), the query string must be the list's
// filters (400 with what is wrong, and nothing streamed), then the CSV streams out a batch at a
// time as the client reads it, with the row count up front for the browser's progress bar.

import { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { Actor, Database } from '../db/database.ts';
import { AppError, errorBody, errorHeaders, toAppError } from '../errors.ts';
import { findMembership } from '../team/index.ts';
import { exportConversations } from './export-conversations.ts';
import { exportLeads } from './export-leads.ts';
import type { CsvExport, ExportOptions } from './export-options.ts';
import { ExportConversationsQuery, ExportLeadsQuery } from './exports.schemas.ts';

/** The header that carries an export's row count, for the browser's progress bar. */
export const TOTAL_ROWS_HEADER = 'X-Total-Rows';

export type ExportKind = 'leads' | 'conversations';

function startExport(
  db: Database,
  actor: Actor,
  kind: ExportKind,
  workspaceId: string,
  params: Record<string, string>,
  options: ExportOptions,
): Promise<CsvExport> {
  return kind === 'leads'
    ? exportLeads(db, actor, workspaceId, parseQuery(ExportLeadsQuery, params), options)
    : exportConversations(db, actor, workspaceId, parseQuery(ExportConversationsQuery, params), options);
}

function parseQuery<T extends z.ZodType>(schema: T, params: Record<string, string>): z.output<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
  throw new AppError('BAD_INPUT', `Invalid export filters: ${problems.join('; ')}`);
}

/** A pull stream over the chunks: a batch is read only when the client has taken the last one. */
function byteStream(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    // Nothing read ahead of the client.
    { highWaterMark: 0 },
  );
}

const fileDate = (now: Date) => now.toISOString().slice(0, 10);

/**
 * The export as a response: the CSV, or the refusal as JSON with its status (404 for a workspace
 * the operator is not in, 400 for filters the list would refuse, 503 while the database is away).
 * `headers` (cookies a refreshed session set) go out with either.
 */
export async function csvExportResponse(
  db: Database,
  actor: Actor,
  request: {
    kind: ExportKind;
    workspaceId: string | undefined;
    searchParams: URLSearchParams;
    headers?: Headers;
    now?: Date;
  },
  options: ExportOptions = {},
): Promise<Response> {
  const headers = new Headers(request.headers);
  // Tenant data: no shared cache or browser cache keeps a copy, nor of a refusal.
  headers.set('Cache-Control', 'no-store');
  let csv: CsvExport;
  try {
    const workspaceId = z.uuid().safeParse(request.workspaceId);
    const member =
      workspaceId.success &&
      (await db.withUser(actor, (trx) => findMembership(trx, workspaceId.data, actor.userId)));
    if (!member) throw new AppError('NOT_FOUND', 'Workspace not found', { reason: 'not_a_member' });
    const params = Object.fromEntries(request.searchParams);
    csv = await startExport(db, actor, request.kind, member.id, params, options);
    // Who took the workspace's data out, how much, and whether filtered (not the filters: a
    // search may hold a customer's name).
    await db.withService((trx) =>
      recordAudit(trx, actor.userId, {
        workspaceId: member.id,
        action: request.kind === 'leads' ? 'export.leads' : 'export.conversations',
        target: null,
        detail: { rows: csv.total, filtered: Object.keys(params).length > 0 },
      }),
    );
  } catch (caught) {
    const error = toAppError(caught);
    if (!error) throw caught;
    for (const [name, value] of Object.entries(errorHeaders(error))) headers.set(name, value);
    return Response.json(errorBody(error), { status: error.status, headers });
  }
  headers.set('Content-Type', 'text/csv; charset=utf-8');
  headers.set(
    'Content-Disposition',
    `attachment; filename="${request.kind}-${fileDate(request.now ?? new Date())}.csv"`,
  );
  headers.set(TOTAL_ROWS_HEADER, String(csv.total));
  return new Response(byteStream(csv.chunks), { status: 200, headers });
}
