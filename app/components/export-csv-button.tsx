// "Export CSV" for a list screen: downloads the list, with the filters the screen shows, from its
// export route. The file is fetched rather than linked so a large export can show its progress
// (rows so far of the total the server announces) and say why it failed; when it is complete it
// is handed to the browser as a file.
import { useEffect, useRef, useState } from 'react';
import { csvRecordCounter } from '#app/lib/csv-records.ts';
import { saveFile } from '#app/lib/save-file.ts';

/** Below this many rows an export takes a moment: no progress bar flashes by. */
export const PROGRESS_FROM_ROWS = 1000;

type ExportState =
  | { phase: 'idle' }
  | { phase: 'running'; rows: number; total: number }
  | { phase: 'done'; rows: number; total: number }
  | { phase: 'failed'; message: string };

/** `path` with the filters that are set (false, empty and missing ones left out). */
export function exportHref(path: string, filters: Record<string, string | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value === true) params.set(name, 'true');
    else if (typeof value === 'string' && value !== '') params.set(name, value);
  }
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

const FILENAME = /filename="([^"]+)"/;

async function refusal(response: Response): Promise<string> {
  // An expired session is sent to sign in: the answer is that page, not a file.
  if (response.redirected || response.headers.get('Content-Type')?.startsWith('text/html')) {
    return 'Your session has ended: sign in again to export.';
  }
  const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
  return typeof body?.error === 'string' ? body.error : `The export failed (${response.status}).`;
}

export function ExportCsvButton({ href, label = 'Export CSV' }: { href: string; label?: string }) {
  const [state, setState] = useState<ExportState>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);
  // Leaving the screen stops a download nobody will save.
  useEffect(() => () => abort.current?.abort(), []);

  async function run() {
    const controller = new AbortController();
    abort.current = controller;
    setState({ phase: 'running', rows: 0, total: 0 });
    try {
      const response = await fetch(href, { signal: controller.signal, headers: { Accept: 'text/csv' } });
      if (!response.ok || !response.body || !response.headers.get('Content-Type')?.startsWith('text/csv')) {
        setState({ phase: 'failed', message: await refusal(response) });
        return;
      }
      const total = Number(response.headers.get('X-Total-Rows') ?? 0);
      const filename = FILENAME.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'export.csv';
      const count = csvRecordCounter();
      const parts: BlobPart[] = [];
      const reader = response.body.getReader();
      let rows = 0;
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        parts.push(read.value);
        rows = Math.max(0, count(read.value) - 1); // the first record is the header
        setState({ phase: 'running', rows, total });
      }
      saveFile(parts, filename, 'text/csv;charset=utf-8');
      setState({ phase: 'done', rows, total });
    } catch (error) {
      if (controller.signal.aborted) setState({ phase: 'idle' });
      else setState({ phase: 'failed', message: `The export stopped: ${(error as Error).message}` });
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  }

  const running = state.phase === 'running';
  return (
    <div className="flex flex-col items-end gap-1.5">
      <div className="flex items-center gap-2">
        {running ? (
          <button
            type="button"
            onClick={() => abort.current?.abort()}
            className="text-xs font-medium text-slate-500 hover:text-slate-800"
          >
            Cancel
          </button>
        ) : null}
        <button
          type="button"
          onClick={() => void run()}
          disabled={running}
          aria-busy={running}
          className="rounded-lg border border-slate-200 bg-white px-3 py-1.5 text-xs font-semibold text-slate-700 shadow-sm hover:border-brand-500 hover:text-brand-700 disabled:opacity-60"
        >
          {running ? 'Exporting…' : label}
        </button>
      </div>
      {(state.phase === 'running' || state.phase === 'done') && state.total >= PROGRESS_FROM_ROWS ? (
        <ExportProgress rows={state.rows} total={state.total} done={state.phase === 'done'} />
      ) : null}
      {state.phase === 'failed' ? (
        <p role="alert" className="max-w-xs text-right text-xs text-red-700">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}

function ExportProgress({ rows, total, done }: { rows: number; total: number; done: boolean }) {
  // Rows that arrived while the export ran can take it past the count it started from.
  const max = Math.max(total, rows);
  return (
    <div className="w-48 text-right">
      <div
        role="progressbar"
        aria-label="Export progress"
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={rows}
        aria-valuetext={`${rows.toLocaleString('en')} of ${max.toLocaleString('en')} rows`}
        className="h-1.5 overflow-hidden rounded-full bg-slate-100"
      >
        <div className="h-full rounded-full bg-brand-500" style={{ width: `${(rows / max) * 100}%` }} />
      </div>
      <p className="mt-1 text-xs text-slate-500" aria-live="polite">
        {done
          ? `${rows.toLocaleString('en')} rows saved`
          : `${rows.toLocaleString('en')} of ${max.toLocaleString('en')} rows`}
      </p>
    </div>
  );
}
