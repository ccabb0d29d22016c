// Settings' data retention: how long messages are kept (forever by default, or a number of days)
// and how long raw webhook deliveries are (30 days by default; failed ones until replayed), with
// what the daily purge last removed. Owners and admins change it; agents see it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { exactTime, relativeTime, useNow } from '#app/lib/relative-time.ts';
import { useTRPC } from '#app/lib/trpc.ts';

const FOREVER = 'forever';

export function RetentionSettings({ workspaceId, canEdit }: { workspaceId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow();
  const settings = useQuery(trpc.settings.retention.queryOptions({ workspaceId }));
  const update = useMutation(
    trpc.settings.updateRetention.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.settings.retention.queryFilter({ workspaceId })),
    }),
  );
  const [messages, setMessages] = useState<string>(FOREVER);
  const [messageDays, setMessageDays] = useState('365');
  const [deliveryDays, setDeliveryDays] = useState('30');
  useEffect(() => {
    if (!settings.data) return;
    setMessages(settings.data.messageDays === null ? FOREVER : 'days');
    if (settings.data.messageDays !== null) setMessageDays(String(settings.data.messageDays));
    setDeliveryDays(String(settings.data.deliveryDays));
  }, [settings.data]);
  const last = settings.data?.lastPurge;

  return (
    <section
      className="mt-6 rounded-xl border border-slate-200 bg-white shadow-sm"
      aria-labelledby="retention"
    >
      <header className="border-b border-slate-200 px-5 py-4">
        <h2 id="retention" className="text-sm font-semibold text-slate-900">
          Data retention
        </h2>
        <p className="mt-1 text-xs text-slate-500">
          A daily purge removes what is older. Leads and contacts stay, with their source and first contact.
        </p>
      </header>
      <form
        className="space-y-4 px-5 py-4 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          update.mutate({
            workspaceId,
            messageDays: messages === FOREVER ? null : Number(messageDays),
            deliveryDays: Number(deliveryDays),
          });
        }}
      >
        <fieldset disabled={!canEdit || settings.isPending}>
          <legend className="font-medium text-slate-900">Messages</legend>
          <label className="mt-2 flex items-center gap-2">
            <input
              type="radio"
              name="messages"
              checked={messages === FOREVER}
              onChange={() => setMessages(FOREVER)}
            />
            Keep forever
          </label>
          <label className="mt-1 flex items-center gap-2">
            <input
              type="radio"
              name="messages"
              checked={messages === 'days'}
              onChange={() => setMessages('days')}
            />
            Delete messages older than
            <input
              type="number"
              min={7}
              max={3650}
              value={messageDays}
              onChange={(event) => {
                setMessages('days');
                setMessageDays(event.target.value);
              }}
              aria-label="Days to keep messages"
              className="w-20 rounded-md border border-slate-200 px-2 py-1"
            />
            days
          </label>
        </fieldset>
        <fieldset disabled={!canEdit || settings.isPending}>
          <legend className="font-medium text-slate-900">Raw webhook deliveries</legend>
          <label className="mt-2 flex items-center gap-2">
            Keep for
            <input
              type="number"
              min={1}
              max={3650}
              value={deliveryDays}
              onChange={(event) => setDeliveryDays(event.target.value)}
              aria-label="Days to keep raw deliveries"
              className="w-20 rounded-md border border-slate-200 px-2 py-1"
            />
            days
          </label>
          <p className="mt-1 text-xs text-slate-500">
            Failed deliveries stay until they are replayed. Never longer than the messages they hold.
          </p>
        </fieldset>
        {canEdit ? (
          <button
            type="submit"
            disabled={update.isPending || settings.isPending}
            className="rounded-lg bg-brand-600 px-3.5 py-1.5 font-semibold text-white shadow-sm hover:bg-brand-700 disabled:opacity-60"
          >
            Save retention
          </button>
        ) : (
          <p className="text-xs text-slate-500">Only owners and admins can change these.</p>
        )}
        {update.isSuccess ? (
          <p role="status" className="text-emerald-700">
            Saved. The next daily purge applies it.
          </p>
        ) : null}
        {update.isError ? (
          <p role="alert" className="text-red-700">
            {update.error.message}
          </p>
        ) : null}
        <p className="text-xs text-slate-500">
          {last ? (
            <>
              Last purge{' '}
              <time dateTime={last.at} title={exactTime(last.at)}>
                {relativeTime(last.at, now)}
              </time>
              : {last.messages.toLocaleString('en')} messages and {last.deliveries.toLocaleString('en')}{' '}
              deliveries removed.
            </>
          ) : (
            'No purge has run yet.'
          )}
        </p>
      </form>
    </section>
  );
}
