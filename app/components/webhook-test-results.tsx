// The outcome of "Run webhook tests": a summary, each check with ✅ or ❌, its duration and what
// was expected and observed, then what Meta reports about each account's subscription.
import type { inferRouterOutputs } from '@trpc/server';
import clsx from 'clsx';
import type { AppRouter } from '#server/trpc/app.router.ts';
import { LOGIN_PATH_LABEL } from './account-card.tsx';

type SelfTest = inferRouterOutputs<AppRouter>['webhooks']['runSelfTest'];
type Check = SelfTest['checks'][number];
type Subscription = SelfTest['subscriptions'][number];

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function WebhookTestResults({ result }: { result: SelfTest }) {
  const failed = result.checks.filter((c) => c.status === 'failed').length;
  const skipped = result.checks.filter((c) => c.status === 'skipped').length;
  return (
    <div className="mt-5 space-y-5">
      <p
        role="status"
        className={clsx(
          'flex flex-wrap items-center justify-between gap-2 rounded-lg px-4 py-3 text-sm font-medium',
          result.passed
            ? 'bg-emerald-50 text-emerald-800 ring-1 ring-emerald-200 ring-inset'
            : 'bg-red-50 text-red-800 ring-1 ring-red-200 ring-inset',
        )}
      >
        <span className="flex items-center gap-2">
          <StatusMark mark={result.passed ? MARK.passed : MARK.failed} />
          {result.passed
            ? `All ${result.checks.length} checks passed.`
            : `${failed} of ${result.checks.length} checks failed${skipped ? `, ${skipped} not run` : ''}.`}
        </span>
        <span className="font-normal opacity-80">
          {formatDuration(result.durationMs)} · {timeFormat.format(new Date(result.ranAt))}
        </span>
      </p>
      <ol
        aria-label="Webhook test results"
        className="divide-y divide-slate-100 rounded-lg ring-1 ring-slate-200"
      >
        {result.checks.map((check) => (
          <CheckRow key={check.id} check={check} />
        ))}
      </ol>
      <Subscriptions subscriptions={result.subscriptions} />
    </div>
  );
}

const MARK: Record<Check['status'], Mark> = {
  passed: { kind: 'passed', label: 'Passed' },
  failed: { kind: 'failed', label: 'Failed' },
  skipped: { kind: 'skipped', label: 'Not run' },
};

interface Mark {
  kind: 'passed' | 'failed' | 'skipped' | 'warning' | 'unknown';
  label: string;
}

/**
 * ✅ / ❌ and friends drawn as SVG rather than emoji: they look the same on every machine, emoji
 * font or not, and carry their meaning as an accessible name.
 */
function StatusMark({ mark }: { mark: Mark }) {
  const shapes: Record<Mark['kind'], { fill: string; path: string }> = {
    passed: { fill: 'fill-emerald-500', path: 'M7.5 12.5l3 3 6-6.5' },
    failed: { fill: 'fill-red-500', path: 'M8.5 8.5l7 7M15.5 8.5l-7 7' },
    skipped: { fill: 'fill-slate-300', path: 'M8 12h8' },
    warning: { fill: 'fill-amber-400', path: 'M12 7.5v5.5M12 16.5v.01' },
    unknown: {
      fill: 'fill-slate-400',
      path: 'M9.75 9.5a2.25 2.25 0 1 1 3.1 2.1c-.5.2-.85.7-.85 1.25v.4M12 16.5v.01',
    },
  };
  const shape = shapes[mark.kind];
  return (
    <svg role="img" aria-label={mark.label} viewBox="0 0 24 24" className="mt-0.5 h-5 w-5 shrink-0">
      <rect width="24" height="24" rx="7" className={shape.fill} />
      <path
        d={shape.path}
        fill="none"
        stroke="white"
        strokeWidth="2.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

function CheckRow({ check }: { check: Check }) {
  const mark = MARK[check.status];
  return (
    <li className="flex gap-3 px-4 py-3.5" data-status={check.status}>
      <StatusMark mark={mark} />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
          <h3 className="text-sm font-semibold text-slate-900">{check.title}</h3>
          <span className="flex items-center gap-2 text-xs text-slate-500">
            {check.httpStatus !== null ? (
              <span
                className={clsx(
                  'rounded-md px-1.5 py-0.5 font-mono font-medium',
                  check.status === 'passed' ? 'bg-slate-100 text-slate-700' : 'bg-red-100 text-red-800',
                )}
              >
                HTTP {check.httpStatus}
              </span>
            ) : null}
            {check.durationMs !== null ? <span>{formatDuration(check.durationMs)}</span> : null}
          </span>
        </div>
        <dl className="mt-1.5 grid grid-cols-[5.5rem_1fr] gap-x-2 gap-y-0.5 text-xs">
          <dt className="text-slate-500">Expected</dt>
          <dd className="break-words font-mono text-slate-700">{check.expected}</dd>
          <dt className="text-slate-500">Got</dt>
          <dd
            className={clsx(
              'break-words font-mono',
              check.status === 'failed' ? 'text-red-700' : 'text-slate-700',
            )}
          >
            {check.observed}
          </dd>
        </dl>
        <p className="mt-1.5 text-sm leading-relaxed text-slate-600">{check.explanation}</p>
      </div>
    </li>
  );
}

function Subscriptions({ subscriptions }: { subscriptions: Subscription[] }) {
  return (
    <section aria-labelledby="subscriptions-heading">
      <h3 id="subscriptions-heading" className="text-sm font-semibold text-slate-900">
        Meta's subscriptions per account
      </h3>
      <p className="mt-0.5 text-xs text-slate-500">
        For information: what Meta answers when asked which webhook fields each account sends us.
      </p>
      {subscriptions.length === 0 ? (
        <p className="mt-2 rounded-lg bg-slate-50 px-4 py-3 text-sm text-slate-500">
          No Instagram account is connected yet, so there is no subscription to check.
        </p>
      ) : (
        <ul aria-label="Meta's subscriptions per account" className="mt-2 space-y-2">
          {subscriptions.map((s) => (
            <SubscriptionRow key={s.connectionId} subscription={s} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SubscriptionRow({ subscription: s }: { subscription: Subscription }) {
  const healthy = s.subscribed === true && s.missingFields.length === 0;
  const mark: Mark =
    s.subscribed === null
      ? { kind: 'unknown', label: 'Unknown' }
      : healthy
        ? { kind: 'passed', label: 'Subscribed' }
        : { kind: 'warning', label: s.subscribed ? 'Partly subscribed' : 'Not subscribed' };
  return (
    <li className="flex gap-3 rounded-lg px-4 py-3 ring-1 ring-slate-200">
      <StatusMark mark={mark} />
      <div className="min-w-0 flex-1">
        <p className="text-sm font-medium text-slate-900">
          {s.accountName ?? s.accountId}
          <span className="ml-2 text-xs font-normal text-slate-500">{LOGIN_PATH_LABEL[s.loginPath]}</span>
        </p>
        {s.fields.length > 0 ? (
          <ul
            aria-label={`Fields Meta sends for ${s.accountName ?? s.accountId}`}
            className="mt-1.5 flex flex-wrap gap-1"
          >
            {s.fields.map((field) => (
              <li
                key={field}
                className="rounded-md bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700"
              >
                {field}
              </li>
            ))}
          </ul>
        ) : null}
        <p className={clsx('mt-1.5 text-sm', healthy ? 'text-slate-600' : 'text-amber-800')}>{s.detail}</p>
      </div>
    </li>
  );
}
