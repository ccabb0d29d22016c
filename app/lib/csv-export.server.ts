// The loader of a CSV export's resource route: the signed-in operator (or a redirect to sign-in
// and back here), then the export as a download, or its refusal as JSON with its status.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { csvExportResponse, type ExportKind } from '#server/exports/index.ts';
import { requireActor } from './auth.server.ts';
import { services } from './services.server.ts';

export function csvExportLoader(kind: ExportKind) {
  return async ({ request, params }: LoaderFunctionArgs): Promise<Response> => {
    const headers = new Headers();
    const actor = await requireActor(request, headers);
    return csvExportResponse(services.db, actor, {
      kind,
      workspaceId: params.workspaceId,
      searchParams: new URL(request.url).searchParams,
      headers,
    });
  };
}
