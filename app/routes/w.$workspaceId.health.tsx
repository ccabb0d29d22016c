// How the Instagram integration is doing: webhook events and the events that failed, how late Meta
// delivers (Meta's event time → our receipt) and how long processing takes, per minute over the
// last hour or per hour over the last day; and per account, the send queue and its failures.
// Events that could not be applied are listed by reason, for an admin to try again after a fix, and
// background jobs that should be running and are not, with the work they hold up.
// Refreshes with every live event (the workspace channel) and every 30 s.

import type { MetaFunction } from '@remix-run/node';
import { useParams, useSearchParams } from '@remix-run/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import clsx from 'clsx';
import { BarChart, formatMs, LineChart } from '#app/components/charts.tsx';
import { type DataColumn, DataTable } from '#app/components/data-table.tsx';
import { MissedWebhookRecovery } from '#app/components/missed-webhook-recovery.tsx';
import { Notice, NoticeTable, QuietNote } from '#app/components/notice.tsx';
import { duration } from '#app/lib/duration.ts';
import { describeStuckWork } from '#app/lib/stuck-work.ts';
import { useTRPC } from '#app/lib/trpc.ts';
import { useWorkspaceAdmin } from '#app/lib/use-workspace-admin.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';

export const meta: MetaFunction = () => [{ title: 'Health · Direct Inbox' }];

type Overview = inferRouterOutputs<AppRouter>['health']['overview'];

const RANGES = [
  { range: 'hour', label: 'Last hour', step: 'per minute' },
  { range: 'day', label: 'Last 24 hours', step: 'per hour' },
] as const;

const clockWithSeconds = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function Stat({
  label,
  value,
  detail,
  warn = false,
}: {
  label: string;
  value: string | number;
  detail?: string;
  warn?: boolean;
}) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd
        className={clsx('mt-1 text-2xl font-semibold tabular-nums', warn ? 'text-red-600' : 'text-slate-900')}
      >
        {value}
      </dd>
      {detail ? <p className="mt-0.5 truncate text-xs text-slate-400">{detail}</p> : null}
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

  return (
    <main className="h-full overflow-y-auto bg-slate-50">
      <div className="mx-auto max-w-5xl px-8 py-8 max-lg:px-4 max-lg:py-5">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <h1 className="text-xl font-semibold text-slate-900">Health</h1>
            <p className="mt-0.5 text-xs text-slate-500">
              {health.dataUpdatedAt > 0
                ? `Live · updated ${clockWithSeconds.format(new Date(health.dataUpdatedAt))}`
                : 'Loading…'}
            </p>
          </div>
          <fieldset className="flex rounded-lg bg-slate-100 p-1" aria-label="Range">
            {RANGES.map((option) => (
              <button
                key={option.range}
                type="button"
                aria-pressed={range === option.range}
                onClick={() => setParams({ range: option.range }, { replace: true })}
                className={clsx(
                  'rounded-md px-3 py-1 text-sm font-medium transition',
                  range === option.range
                    ? 'bg-white text-slate-900 shadow-sm'
                    : 'text-slate-500 hover:text-slate-800',
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
          <HealthSkeleton />
        ) : (
          <HealthFigures data={data} workspaceId={workspaceId} />
        )}
      </div>
    </main>
  );
}

function HealthFigures({ data, workspaceId }: { data: Overview; workspaceId: string }) {
  const step = RANGES.find((r) => r.range === data.range)?.step;
  const buckets = data.buckets.map((b) => b.at);
  const { totals, sending } = data;
  return (
    <>
      <dl className="mt-6 grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6">
        <Stat label="Webhook events" value={totals.events} />
        <Stat label="Failed events" value={totals.failedEvents} warn={totals.failedEvents > 0} />
        <Stat
          label="Meta → us p95"
          value={formatMs(totals.lagP95Ms)}
          detail={`p50 ${formatMs(totals.lagP50Ms)}`}
        />
        <Stat
          label="Processing p95"
          value={formatMs(totals.processingP95Ms)}
          detail={`p50 ${formatMs(totals.processingP50Ms)}`}
        />
        <Stat
          label="Send queue"
          value={sending.queueDepth}
          detail={
            sending.queueDepth > 0
              ? `oldest ${duration(sending.oldestWaitingSeconds)}${sending.uncertain > 0 ? ` · ${sending.uncertain} unconfirmed` : ''}`
              : 'nothing waiting'
          }
        />
        <Stat
          label="Send failures"
          value={sending.failed}
          detail={`${sending.sent} sent`}
          warn={sending.failed > 0}
        />
      </dl>
      {totals.events === 0 && totals.failedEvents === 0 ? (
        <QuietNote>
          No webhook events in this period yet. Once customers write, their messages show up here.
        </QuietNote>
      ) : null}
      <StuckWork stuckJobs={data.stuckJobs} />
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <div className="lg:col-span-2">
          <BarChart
            title="Webhook events"
            subtitle={step}
            buckets={buckets}
            bucketSeconds={data.bucketSeconds}
            series={[
              {
                label: 'Events',
                color: 'fill-brand-500 stroke-brand-500',
                values: data.buckets.map((b) => b.events),
              },
              {
                label: 'Failed',
                color: 'fill-red-500 stroke-red-500',
                values: data.buckets.map((b) => b.failedEvents),
              },
            ]}
          />
        </div>
        <LineChart
          title="Meta-to-us lag"
          subtitle={step}
          buckets={buckets}
          bucketSeconds={data.bucketSeconds}
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
          subtitle={step}
          buckets={buckets}
          bucketSeconds={data.bucketSeconds}
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
      {data.quarantined.length > 0 ? <KeptAside items={data.quarantined} workspaceId={workspaceId} /> : null}
      <AccountSending accounts={data.accounts} />
      <MissedWebhookRecovery workspaceId={workspaceId} accounts={data.accounts} />
    </>
  );
}

/**
 * Background jobs that should be running and are not (none taken for over 30 s, or left by a
 * worker that stopped renewing them), by the work they hold up. They resume on their own once a
 * worker process runs, so the likely cause is the question asked.
 */
function StuckWork({ stuckJobs }: { stuckJobs: Overview['stuckJobs'] }) {
  const stuck = describeStuckWork(stuckJobs);
  if (!stuck) return <QuietNote>Background work is keeping up.</QuietNote>;
  return (
    <Notice
      id="stuck-work-heading"
      title={stuck.headline}
      detail="These jobs should be running, but no worker has them: none took them up, or the one running them stopped. They go on by themselves once a worker process runs (npm run worker)."
    >
      <NoticeTable
        columns={[
          { label: 'Work' },
          { label: 'Jobs', cell: 'tabular-nums' },
          { label: 'Waiting for' },
          { label: 'Holds up' },
        ]}
        rows={stuck.rows.map((row) => ({
          key: row.kind,
          cells: [row.work, row.jobs, row.waiting, row.holdsUp],
        }))}
      />
    </Notice>
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Events Meta sent that could not be applied. The rest of their deliveries went in; these wait,
 * with the reason, until the cause is fixed and an admin tries them again (or `npm run
 * webhooks:replay` does).
 */
function KeptAside({ items, workspaceId }: { items: Overview['quarantined']; workspaceId: string }) {
  const canReplay = useWorkspaceAdmin();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const replay = useMutation(
    trpc.webhooks.replayFailed.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.health.overview.pathKey() }),
    }),
  );
  const total = items.reduce((sum, item) => sum + item.events, 0);
  return (
    <Notice
      id="kept-aside-heading"
      title={`${total} ${total === 1 ? 'event' : 'events'} kept aside`}
      detail="They could not be applied; everything else in their deliveries was. Once the cause is fixed, try them again."
      action={
        canReplay ? (
          <button
            type="button"
            onClick={() => replay.mutate({ workspaceId })}
            disabled={replay.isPending}
            className="rounded-lg bg-white px-3 py-1.5 text-sm font-medium text-amber-900 ring-1 ring-amber-300 hover:bg-amber-100 disabled:opacity-60"
          >
            {replay.isPending ? 'Queueing…' : 'Try them again'}
          </button>
        ) : null
      }
    >
      {replay.data ? (
        <p role="status" className="mt-2 text-xs text-amber-900">
          {replay.data.replayed === 1
            ? '1 delivery queued again.'
            : `${replay.data.replayed} deliveries queued again.`}
        </p>
      ) : null}
      {replay.isError ? (
        <p role="alert" className="mt-2 text-xs text-red-700">
          Could not queue them again: {replay.error.message}
        </p>
      ) : null}
      <NoticeTable
        columns={[
          { label: 'Reason', cell: 'font-mono text-xs break-all' },
          { label: 'Events', cell: 'tabular-nums' },
          { label: 'Latest', cell: 'whitespace-nowrap text-xs' },
        ]}
        rows={items.map((item) => ({
          key: item.reason,
          cells: [item.reason, item.events, dateTime.format(new Date(item.lastAt))],
        }))}
      />
    </Notice>
  );
}

/** A bar in a table cell, scaled to the column's largest value, beside the number itself. */
function CellBar({ value, max, color }: { value: number; max: number; color: string }) {
  return (
    <span className="flex items-center gap-2">
      <span className="w-6 text-right">{value}</span>
      <svg viewBox="0 0 100 8" className="h-2 w-20" aria-hidden="true" preserveAspectRatio="none">
        <rect width="100" height="8" rx="4" className="fill-slate-100" />
        {value > 0 ? (
          <rect width={Math.max(8, (value / Math.max(1, max)) * 100)} height="8" rx="4" className={color} />
        ) : null}
      </svg>
    </span>
  );
}

const SENDING_COLUMNS: DataColumn[] = [
  { label: 'Account', inset: 'px-5' },
  { label: 'Queue' },
  { label: 'Oldest waiting' },
  { label: 'Unconfirmed' },
  { label: 'Sent' },
  { label: 'Failed' },
];

function AccountSending({ accounts }: { accounts: Overview['accounts'] }) {
  const maxQueue = Math.max(0, ...accounts.map((a) => a.queueDepth));
  const maxFailed = Math.max(0, ...accounts.map((a) => a.failed));
  return (
    <figure
      className="mt-6 rounded-xl border border-slate-200 bg-white shadow-sm"
      aria-label="Sending per account"
    >
      <figcaption className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">
        Sending per account
        <span className="ml-1.5 text-xs font-normal text-slate-400">
          queue now; sent and failed in the range
        </span>
      </figcaption>
      {accounts.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500">No Instagram account is connected.</p>
      ) : (
        <DataTable caption="Sending by account" columns={SENDING_COLUMNS} numeric>
          {accounts.map((account) => (
            <tr key={account.id}>
              <th scope="row" className="px-5 py-2.5 text-left font-medium text-slate-900">
                {account.name}
                {account.status === 'NEEDS_REAUTH' ? (
                  <span className="ml-2 rounded-full bg-amber-50 px-2 py-0.5 text-[11px] font-medium text-amber-800 ring-1 ring-amber-200">
                    needs reconnecting
                  </span>
                ) : null}
              </th>
              <td className="px-3 py-2.5">
                <CellBar value={account.queueDepth} max={maxQueue} color="fill-brand-500" />
              </td>
              <td className="px-3 py-2.5">{duration(account.oldestWaitingSeconds)}</td>
              <td className={clsx('px-3 py-2.5', account.uncertain > 0 && 'text-amber-700')}>
                {account.uncertain}
              </td>
              <td className="px-3 py-2.5">{account.sent}</td>
              <td className={clsx('px-3 py-2.5', account.failed > 0 && 'font-semibold text-red-600')}>
                <CellBar value={account.failed} max={maxFailed} color="fill-red-500" />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </figure>
  );
}

function HealthSkeleton() {
  return (
    <div
      role="status"
      aria-busy="true"
      aria-label="Loading the health figures"
      className="mt-6 animate-pulse"
    >
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6">
        {[0, 1, 2, 3, 4, 5].map((card) => (
          <span key={card} className="h-[88px] rounded-xl bg-slate-200/70" />
        ))}
      </div>
      <span className="mt-6 block h-56 rounded-xl bg-slate-200/70" />
    </div>
  );
}
