// How the Instagram integration is doing: webhook volume and failed deliveries, how late Meta
// delivers (Meta's event time → our receipt) and how long processing takes, per minute over the
// last hour or per hour over the last day; and per account, the replies waiting to go out.
// Refreshes with every live event (the workspace channel) and every 30 s.
import type { MetaFunction } from '@remix-run/node';
import { useParams, useSearchParams } from '@remix-run/react';
import { useQuery } from '@tanstack/react-query';
import clsx from 'clsx';
import { BarChart, formatMs, LineChart } from '#app/components/charts.tsx';
import { useTRPC } from '#app/lib/trpc.ts';

export const meta: MetaFunction = () => [{ title: 'Health · Direct Inbox' }];

const RANGES = [
  { range: 'hour', label: 'Last hour' },
  { range: 'day', label: 'Last 24 hours' },
] as const;

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

function Stat({ label, value, warn = false }: { label: string; value: string | number; warn?: boolean }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd
        className={clsx('mt-1 text-2xl font-semibold tabular-nums', warn ? 'text-red-600' : 'text-slate-900')}
      >
        {value}
      </dd>
    </div>
  );
}

export default function Health() {
  const { workspaceId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const range = params.get('range') === 'day' ? 'day' : 'hour';
  const trpc = useTRPC();
  const health = useQuery({
    ...trpc.health.overview.queryOptions({ workspaceId, range }),
    refetchInterval: 30_000,
  });
  const data = health.data;
  const labels = data?.buckets.map((b) => clock.format(new Date(b.at))) ?? [];
  const waiting = data?.accounts.reduce((sum, a) => sum + a.waiting, 0) ?? 0;
  const sendFailures = data?.accounts.reduce((sum, a) => sum + a.failed, 0) ?? 0;

  return (
    <main className="h-full overflow-y-auto bg-slate-50">
      <div className="mx-auto max-w-5xl px-8 py-8">
        <div className="flex items-center justify-between">
          <h1 className="text-xl font-semibold text-slate-900">Health</h1>
          <fieldset className="flex rounded-lg bg-slate-100 p-1" aria-label="Range">
            {RANGES.map((option) => (
              <button
                key={option.range}
                type="button"
                aria-pressed={range === option.range}
                onClick={() => setParams({ range: option.range }, { replace: true })}
                className={clsx(
                  'rounded-md px-3 py-1 text-sm font-medium',
                  range === option.range ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-500',
                )}
              >
                {option.label}
              </button>
            ))}
          </fieldset>
        </div>
        {health.isError ? (
          <p role="alert" className="mt-6 rounded-lg bg-red-50 p-3 text-sm text-red-700">
            Could not load the health figures: {health.error.message}
          </p>
        ) : !data ? (
          <p className="mt-6 text-sm text-slate-500">Loading…</p>
        ) : (
          <>
            <dl className="mt-6 grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6">
              <Stat label="Webhook events" value={data.totals.events} />
              <Stat
                label="Failed deliveries"
                value={data.totals.failedDeliveries}
                warn={data.totals.failedDeliveries > 0}
              />
              <Stat label="Meta → us p95" value={formatMs(data.totals.lagP95Ms)} />
              <Stat label="Processing p95" value={formatMs(data.totals.processingP95Ms)} />
              <Stat label="Replies waiting" value={waiting} />
              <Stat label="Send failures" value={sendFailures} warn={sendFailures > 0} />
            </dl>
            {data.totals.events === 0 && data.totals.failedDeliveries === 0 ? (
              <p
                className="mt-4 rounded-lg bg-white px-4 py-3 text-sm text-slate-500 ring-1 ring-slate-200"
                role="status"
              >
                No webhook events in this period yet. Once customers write, their messages show up here.
              </p>
            ) : null}
            <div className="mt-6 grid gap-4 lg:grid-cols-2">
              <div className="lg:col-span-2">
                <BarChart
                  title="Webhook events"
                  labels={labels}
                  series={[
                    {
                      label: 'Events',
                      color: 'fill-brand-500 stroke-brand-500',
                      values: data.buckets.map((b) => b.events),
                    },
                    {
                      label: 'Failed deliveries',
                      color: 'fill-red-500 stroke-red-500',
                      values: data.buckets.map((b) => b.failedDeliveries),
                    },
                  ]}
                />
              </div>
              <LineChart
                title="Meta-to-us lag"
                labels={labels}
                series={[
                  {
                    label: 'p50',
                    color: 'fill-sky-500 stroke-sky-500',
                    values: data.buckets.map((b) => b.lagP50Ms),
                  },
                  {
                    label: 'p95',
                    color: 'fill-indigo-700 stroke-indigo-700',
                    values: data.buckets.map((b) => b.lagP95Ms),
                  },
                ]}
              />
              <LineChart
                title="Processing time"
                labels={labels}
                series={[
                  {
                    label: 'p50',
                    color: 'fill-emerald-500 stroke-emerald-500',
                    values: data.buckets.map((b) => b.processingP50Ms),
                  },
                  {
                    label: 'p95',
                    color: 'fill-emerald-800 stroke-emerald-800',
                    values: data.buckets.map((b) => b.processingP95Ms),
                  },
                ]}
              />
            </div>
            <section
              className="mt-6 rounded-xl border border-slate-200 bg-white shadow-sm"
              aria-labelledby="sending"
            >
              <h2
                id="sending"
                className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900"
              >
                Sending, per account
              </h2>
              {data.accounts.length === 0 ? (
                <p className="px-5 py-4 text-sm text-slate-500">No Instagram account is connected.</p>
              ) : (
                <table className="w-full text-sm">
                  <thead className="text-left text-xs text-slate-500">
                    <tr>
                      <th className="px-5 py-2 font-medium">Account</th>
                      <th className="px-3 py-2 font-medium">Waiting</th>
                      <th className="px-3 py-2 font-medium">Oldest waiting</th>
                      <th className="px-3 py-2 font-medium">Unconfirmed</th>
                      <th className="px-3 py-2 font-medium">Sent</th>
                      <th className="px-3 py-2 font-medium">Failed</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100 tabular-nums">
                    {data.accounts.map((account) => (
                      <tr key={account.id}>
                        <th scope="row" className="px-5 py-2.5 text-left font-medium text-slate-900">
                          {account.name}
                        </th>
                        <td className="px-3 py-2.5">{account.waiting}</td>
                        <td className="px-3 py-2.5">{duration(account.oldestWaitingSeconds)}</td>
                        <td className={clsx('px-3 py-2.5', account.uncertain > 0 && 'text-amber-700')}>
                          {account.uncertain}
                        </td>
                        <td className="px-3 py-2.5">{account.sent}</td>
                        <td
                          className={clsx('px-3 py-2.5', account.failed > 0 && 'font-semibold text-red-600')}
                        >
                          {account.failed}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </>
        )}
      </div>
    </main>
  );
}
