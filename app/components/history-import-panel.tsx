// An account's history import on its card: what it has found so far, how much of the span is
// covered and how long the rest may take, live while it runs; and, for admins, importing again.
import type { inferRouterOutputs } from '@trpc/server';
import { useState } from 'react';
import { exactTime, relativeTime } from '#app/lib/relative-time.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';

export type HistoryImport = inferRouterOutputs<AppRouter>['history']['imports'][number];

const SPANS = [7, 30, 90] as const;

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** An upper bound (the API's `secondsLeft`), said as one. */
function timeLeft(seconds: number): string {
  if (seconds < 60) return 'under a minute left';
  const minutes = Math.round(seconds / 60);
  return minutes < 90
    ? `at most ${count(minutes, 'minute', 'minutes')} left`
    : `at most ${Math.round(minutes / 60)} hours left`;
}

export function HistoryImportPanel({
  username,
  latest,
  now,
  canManage,
  pending,
  error,
  onImport,
}: {
  username: string;
  latest: HistoryImport | undefined;
  now: number;
  canManage: boolean;
  pending: boolean;
  error: string | null;
  onImport: (days: number) => void;
}) {
  const [days, setDays] = useState<number>(30);
  const running = latest?.status === 'RUNNING';
  const found = latest
    ? `${count(latest.conversations, 'conversation', 'conversations')}, ${count(latest.messages, 'message', 'messages')}`
    : '';
  return (
    <section aria-label={`History of ${username}`} className="border-t border-slate-100 px-5 py-4 text-sm">
      <h3 className="text-xs font-medium text-slate-500">Message history</h3>
      {running && latest ? (
        <div className="mt-1.5" role="status">
          <p className="text-slate-700">
            Importing the last{' '}
            {Math.round((Date.parse(latest.startedAt) - Date.parse(latest.since)) / 86_400_000)} days: {found}{' '}
            so far
            {latest.reachedBackTo ? (
              <>
                , back to{' '}
                <time dateTime={latest.reachedBackTo} title={exactTime(latest.reachedBackTo)}>
                  {relativeTime(latest.reachedBackTo, now)}
                </time>
              </>
            ) : null}
            {latest.secondsLeft !== null ? (
              <span className="text-slate-500"> · {timeLeft(latest.secondsLeft)}</span>
            ) : null}
          </p>
          <div
            role="progressbar"
            aria-label={`History import of ${username}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(latest.progress * 100)}
            className="mt-2 h-1.5 overflow-hidden rounded-full bg-slate-100"
          >
            <div
              className="h-full rounded-full bg-brand-500 transition-all"
              style={{ width: `${latest.progress * 100}%` }}
            />
          </div>
        </div>
      ) : latest?.status === 'DONE' && latest.finishedAt ? (
        <p className="mt-1.5 text-slate-700" role="status">
          Imported {found},{' '}
          <time dateTime={latest.finishedAt} title={exactTime(latest.finishedAt)}>
            {relativeTime(latest.finishedAt, now)}
          </time>
          .
        </p>
      ) : latest?.status === 'FAILED' ? (
        <p className="mt-1.5 text-red-700" role="status">
          The import stopped after {found}: {latest.lastError}
        </p>
      ) : (
        <p className="mt-1.5 text-slate-500">Only messages received since the account was connected.</p>
      )}
      {latest && latest.errorCount > 0 && latest.status !== 'FAILED' ? (
        <p className="mt-1 text-xs text-amber-700">
          {count(latest.errorCount, 'problem', 'problems')} along the way; the last: {latest.lastError}
        </p>
      ) : null}
      {canManage && !running ? (
        <form
          className="mt-3 flex flex-wrap items-center gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            onImport(days);
          }}
        >
          <label className="text-slate-600">
            Import the last{' '}
            <select
              value={days}
              onChange={(event) => setDays(Number(event.target.value))}
              className="rounded-md border border-slate-200 px-1.5 py-1 text-sm"
            >
              {SPANS.map((span) => (
                <option key={span} value={span}>
                  {span} days
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            disabled={pending}
            className="rounded-lg border border-slate-200 px-3 py-1.5 text-sm font-medium text-slate-600 hover:border-brand-500 hover:text-brand-700 disabled:opacity-60"
          >
            {latest ? 'Import history again' : 'Import history'}
          </button>
          <span className="text-xs text-slate-500">
            Meta gives each conversation’s 20 most recent messages; what is here already is kept once.
          </span>
        </form>
      ) : null}
      {error ? (
        <p role="alert" className="mt-2 text-red-700">
          {error}
        </p>
      ) : null}
    </section>
  );
}
