// Workspace settings: what the workspace sends to customers besides standard replies, each
// account's ice breakers and menu, and how long data is kept. Human Agent
// replies are on (Meta allows them for people, and we never tag automated sends); seen receipts,
// typing and reactions are off until an owner or admin turns them on, since customers'
// expectations differ by business. Agents see the choices but cannot change them.
import type { MetaFunction } from '@remix-run/node';
import { useParams } from '@remix-run/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import clsx from 'clsx';
import { BrowserNotifications } from '#app/components/browser-notifications.tsx';
import { MessengerProfileSettings } from '#app/components/messenger-profile-settings.tsx';
import { RetentionSettings } from '#app/components/retention-settings.tsx';
import { useTRPC } from '#app/lib/trpc.ts';
import { useWorkspaceAdmin } from '#app/lib/use-workspace-admin.ts';

export const meta: MetaFunction = () => [{ title: 'Settings · Direct Inbox' }];

type SendSetting = 'humanAgentEnabled' | 'reactionsEnabled' | 'seenEnabled' | 'typingEnabled';

const SEND_SETTINGS: { key: SendSetting; label: string; help: string }[] = [
  {
    key: 'humanAgentEnabled',
    label: 'Human Agent replies',
    help: 'Lets operators reply between 24 hours and 7 days after the customer last wrote, tagged as a person’s reply (Meta’s HUMAN_AGENT tag). Never used for automated messages.',
  },
  {
    key: 'seenEnabled',
    label: 'Seen receipts',
    help: 'Shows the customer “Seen” when an operator opens their conversation.',
  },
  {
    key: 'typingEnabled',
    label: 'Typing indicator',
    help: 'Shows the customer that someone is typing while an operator writes a reply.',
  },
  {
    key: 'reactionsEnabled',
    label: 'Reactions',
    help: 'Lets operators react to a customer’s message with an emoji.',
  },
];

export default function Settings() {
  const { workspaceId = '' } = useParams();
  const canEdit = useWorkspaceAdmin();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.settings.send.queryOptions({ workspaceId }));
  const update = useMutation(
    trpc.settings.updateSend.mutationOptions({
      onSuccess: (saved) => queryClient.setQueryData(trpc.settings.send.queryKey({ workspaceId }), saved),
    }),
  );
  return (
    <main className="h-full overflow-y-auto bg-slate-50">
      <div className="mx-auto max-w-3xl px-8 py-8 max-lg:px-4 max-lg:py-5">
        <h1 className="text-xl font-semibold text-slate-900">Settings</h1>
        <section
          className="mt-6 rounded-xl border border-slate-200 bg-white shadow-sm"
          aria-labelledby="send-settings"
        >
          <header className="border-b border-slate-200 px-5 py-4">
            <h2 id="send-settings" className="text-sm font-semibold text-slate-900">
              Replies and signals to customers
            </h2>
            <p className="mt-1 text-xs text-slate-500">
              {canEdit
                ? 'Changes apply to every operator of this workspace at once.'
                : 'Only owners and admins can change these.'}
            </p>
          </header>
          {settings.isError ? (
            <p role="alert" className="px-5 py-4 text-sm text-red-700">
              Could not load the settings: {settings.error.message}
            </p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {SEND_SETTINGS.map(({ key, label, help }) => {
                const on = settings.data?.[key] ?? false;
                return (
                  <li key={key} className="flex items-start gap-4 px-5 py-4">
                    <div className="min-w-0 flex-1">
                      <p id={`${key}-label`} className="text-sm font-medium text-slate-900">
                        {label}
                      </p>
                      <p className="mt-0.5 text-xs text-slate-500">{help}</p>
                    </div>
                    <button
                      type="button"
                      role="switch"
                      aria-checked={on}
                      aria-labelledby={`${key}-label`}
                      disabled={!canEdit || settings.isPending || update.isPending}
                      onClick={() => update.mutate({ workspaceId, [key]: !on })}
                      className={clsx(
                        'relative mt-0.5 h-6 w-11 shrink-0 rounded-full transition disabled:cursor-not-allowed disabled:opacity-60',
                        on ? 'bg-brand-600' : 'bg-slate-300',
                      )}
                    >
                      <span
                        className={clsx(
                          'absolute top-0.5 left-0.5 h-5 w-5 rounded-full bg-white shadow transition',
                          on && 'translate-x-5',
                        )}
                      />
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          {update.isError ? (
            <p role="alert" className="border-t border-slate-200 px-5 py-3 text-sm text-red-700">
              {update.error.message}
            </p>
          ) : null}
        </section>
        <BrowserNotifications workspaceId={workspaceId} />
        <MessengerProfileSettings workspaceId={workspaceId} canEdit={canEdit} />
        <RetentionSettings workspaceId={workspaceId} canEdit={canEdit} />
      </div>
    </main>
  );
}
