// Accounts: the workspace's Instagram accounts, their health (status, token expiry, webhooks) and
// what admins do with them: connect by either login path, reconnect, disconnect. The layout's live
// channel refetches the list when an account's status changes, whoever or whatever changed it.
import type { MetaFunction } from '@remix-run/node';
import { useParams, useRevalidator, useRouteLoaderData } from '@remix-run/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { AccountCard, type AccountStatus } from '#app/components/account-card.tsx';
import { ConnectButton } from '#app/components/connect-button.tsx';
import { DisconnectDialog } from '#app/components/disconnect-dialog.tsx';
import { type HistoryImport, HistoryImportPanel } from '#app/components/history-import-panel.tsx';
import { AccountsIcon } from '#app/components/icons.tsx';
import { relativeTime, useNow } from '#app/lib/relative-time.ts';
import { useTRPC } from '#app/lib/trpc.ts';
import { useWorkspaceAdmin } from '#app/lib/use-workspace-admin.ts';

export const meta: MetaFunction = () => [{ title: 'Accounts · Direct Inbox' }];

interface WorkspaceShellData {
  facebookLogin: boolean;
}

export default function Accounts() {
  const { workspaceId = '' } = useParams();
  const shell = useRouteLoaderData<WorkspaceShellData>('routes/w.$workspaceId');
  const canManage = useWorkspaceAdmin();
  const trpc = useTRPC();
  const accounts = useQuery(trpc.accounts.list.queryOptions({ workspaceId }));
  const now = useNow();
  const disconnect = useDisconnect(workspaceId);
  const history = useHistoryImports(workspaceId);

  const all = accounts.data ?? [];
  const live = all.filter((a) => a.status !== 'DISCONNECTED');
  // An account connected again has a new live card; its old disconnected one is only clutter.
  const disconnected = all.filter(
    (a) => a.status === 'DISCONNECTED' && !live.some((l) => l.accountId === a.accountId),
  );
  const card = (account: AccountStatus) => (
    <AccountCard
      key={account.id}
      workspaceId={workspaceId}
      account={account}
      now={now}
      canManage={canManage}
      onDisconnect={disconnect.open}
      history={
        account.status === 'CONNECTED' ? (
          <>
            <ResubscribedNotice reconciliation={history.latestCheck(account.id)} now={now} />
            <HistoryImportPanel
              username={account.accountName ?? account.accountId}
              latest={history.latest(account.id)}
              now={now}
              canManage={canManage}
              pending={history.pendingFor === account.id}
              error={history.errorFor === account.id ? history.error : null}
              onImport={(days) => history.start(account.id, days)}
            />
          </>
        ) : null
      }
    />
  );

  return (
    <main className="h-full overflow-y-auto" aria-labelledby="accounts-heading">
      <div className="mx-auto max-w-4xl space-y-6 px-6 py-8 max-lg:px-4 max-lg:py-5">
        <header>
          <h1 id="accounts-heading" className="text-lg font-semibold tracking-tight">
            Accounts
          </h1>
          <p className="mt-1 text-sm leading-relaxed text-slate-500">
            The Instagram professional accounts whose direct messages arrive in this workspace.
          </p>
        </header>

        {disconnect.outcome ? (
          <p role="status" className="rounded-lg bg-emerald-50 px-4 py-3 text-sm text-emerald-800">
            {disconnect.outcome}
          </p>
        ) : null}

        {accounts.isPending ? (
          <section
            aria-busy="true"
            aria-label="Loading accounts"
            className="h-48 animate-pulse rounded-xl bg-slate-200/60"
          />
        ) : accounts.isError ? (
          <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-700">
            Could not load the accounts: {accounts.error.message}
          </p>
        ) : all.length === 0 ? (
          <NoAccounts canManage={canManage} />
        ) : (
          <>
            <section aria-label="Connected accounts" className="space-y-4">
              {live.length > 0 ? (
                live.map(card)
              ) : (
                <p className="rounded-xl border border-dashed border-slate-300 px-6 py-8 text-center text-sm text-slate-500">
                  No account is connected right now: no new messages arrive.
                </p>
              )}
            </section>
            {disconnected.length > 0 ? (
              <section aria-labelledby="disconnected-heading" className="space-y-4">
                <h2 id="disconnected-heading" className="pt-2 text-sm font-semibold text-slate-500">
                  Disconnected
                </h2>
                {disconnected.map(card)}
              </section>
            ) : null}
          </>
        )}
        <ConnectPanel
          workspaceId={workspaceId}
          canManage={canManage}
          facebookLogin={Boolean(shell?.facebookLogin)}
        />
      </div>
      {disconnect.account ? (
        <DisconnectDialog
          username={disconnect.account.accountName ?? disconnect.account.accountId}
          pending={disconnect.pending}
          error={disconnect.error}
          onConfirm={disconnect.confirm}
          onCancel={disconnect.close}
        />
      ) : null}
    </main>
  );
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Meta had stopped sending the account's webhooks (it unsubscribes an app after an hour of failed
 * deliveries) and the hourly check subscribed it again: said on the card for a week.
 */
function ResubscribedNotice({
  reconciliation,
  now,
}: {
  reconciliation: HistoryImport | undefined;
  now: number;
}) {
  const at = reconciliation?.resubscribedAt;
  if (!reconciliation?.subscriptionProblem || !at || now - Date.parse(at) > WEEK_MS) return null;
  return (
    <div
      role="status"
      className="mx-5 mb-4 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset"
    >
      <p className="font-semibold">{reconciliation.subscriptionProblem}</p>
      <p className="mt-1">
        The inbox subscribed again {relativeTime(at, now)} and recovered{' '}
        {reconciliation.newMessages === 1
          ? '1 missed message'
          : `${reconciliation.newMessages} missed messages`}
        .
      </p>
    </div>
  );
}

/** Each account's latest history import (kept fresh by the live channel), and starting one. */
function useHistoryImports(workspaceId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const imports = useQuery(trpc.history.imports.queryOptions({ workspaceId }));
  const start = useMutation(
    trpc.history.start.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.history.pathFilter()),
    }),
  );
  return {
    latest: (connectionId: string) =>
      imports.data?.find((i) => i.connectionId === connectionId && i.kind === 'BACKFILL'),
    latestCheck: (connectionId: string) =>
      imports.data?.find((i) => i.connectionId === connectionId && i.kind === 'RECONCILE'),
    start: (connectionId: string, days: number) => start.mutate({ workspaceId, connectionId, days }),
    pendingFor: start.isPending ? start.variables?.connectionId : undefined,
    errorFor: start.isError ? start.variables?.connectionId : undefined,
    error: start.error?.message ?? null,
  };
}

/** The disconnect flow: which account the dialog is for, the call, and what to tell the admin after. */
function useDisconnect(workspaceId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The layout's banners read the accounts in its loader; they must not go on showing this one.
  const revalidator = useRevalidator();
  const [account, setAccount] = useState<AccountStatus | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const mutation = useMutation(
    trpc.accounts.disconnect.mutationOptions({
      onSuccess: async (result, input) => {
        const name = account?.accountName ?? 'The account';
        const history = input.deleteHistory
          ? `Its history was deleted (${describeDeleted(result.deleted)}).`
          : 'Its conversations stay in the inbox.';
        const meta = result.unsubscribed
          ? ''
          : ' Meta could not be told because the token no longer worked; it stops sending on its own.';
        setOutcome(`Disconnected ${name}. ${history}${meta}`);
        setAccount(null);
        // This screen and the layout's banners at once; other screens (and the conversations and
        // leads a deleted history took along) hear of it through the workspace channel.
        revalidator.revalidate();
        await queryClient.invalidateQueries(trpc.accounts.pathFilter());
      },
    }),
  );
  return {
    account,
    outcome,
    pending: mutation.isPending,
    error: mutation.error?.message ?? null,
    open: (target: AccountStatus) => {
      mutation.reset();
      setOutcome(null);
      setAccount(target);
    },
    close: () => setAccount(null),
    confirm: ({ deleteHistory }: { deleteHistory: boolean }) => {
      if (account) mutation.mutate({ workspaceId, connectionId: account.id, deleteHistory });
    },
  };
}

const DELETED_NOUNS: Record<string, [string, string]> = {
  conversations: ['conversation', 'conversations'],
  messages: ['message', 'messages'],
  leads: ['lead', 'leads'],
  contacts: ['contact profile', 'contact profiles'],
};

/** "3 conversations, 1 lead": what a delete-history disconnect removed, as the server counted it. */
function describeDeleted(deleted: Record<string, number> | null): string {
  const parts = Object.entries(deleted ?? {}).flatMap(([table, count]) => {
    const nouns = DELETED_NOUNS[table];
    return nouns && count > 0 ? [`${count} ${count === 1 ? nouns[0] : nouns[1]}`] : [];
  });
  return parts.length > 0 ? parts.join(', ') : 'there was none';
}

function NoAccounts({ canManage }: { canManage: boolean }) {
  return (
    <div className="flex flex-col items-center rounded-xl border border-slate-200 bg-white px-8 py-16 text-center shadow-sm">
      <span className="flex h-14 w-14 items-center justify-center rounded-2xl bg-brand-50 text-brand-600">
        <AccountsIcon className="h-7 w-7" />
      </span>
      <h2 className="mt-4 text-base font-semibold text-slate-900">No Instagram account yet</h2>
      <p className="mt-1.5 max-w-md text-sm leading-relaxed text-slate-500">
        {canManage
          ? 'Connect an Instagram professional account below. Its direct messages then arrive in the inbox, and every new contact becomes a lead.'
          : 'A workspace owner or admin connects the Instagram accounts; their direct messages then arrive in the inbox.'}
      </p>
    </div>
  );
}

/** Both ways to connect, each with who it is for; agents see why they cannot. */
function ConnectPanel({
  workspaceId,
  canManage,
  facebookLogin,
}: {
  workspaceId: string;
  canManage: boolean;
  facebookLogin: boolean;
}) {
  if (!canManage) {
    return (
      <p className="rounded-lg bg-slate-100 px-4 py-3 text-sm leading-relaxed text-slate-600">
        Only workspace owners and admins can connect, reconnect or disconnect accounts, because they decide
        which Instagram accounts this workspace answers for. Ask one of them if an account needs attention.
      </p>
    );
  }
  const button =
    'min-w-64 shrink-0 whitespace-nowrap rounded-lg px-3.5 py-2 text-sm font-semibold shadow-sm disabled:opacity-60';
  return (
    <section
      aria-labelledby="connect-heading"
      className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
    >
      <h2 id="connect-heading" className="text-sm font-semibold text-slate-900">
        Connect an account
      </h2>
      <div className="mt-4 space-y-3">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <ConnectButton
            workspaceId={workspaceId}
            returnTo="accounts"
            className={`${button} bg-brand-600 text-white hover:bg-brand-700`}
          >
            Connect with Instagram Login
          </ConnectButton>
          <p className="min-w-0 flex-1 text-sm text-slate-500">
            For most professional accounts. The token lasts 60 days and is refreshed automatically.
          </p>
        </div>
        {facebookLogin ? (
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
            <ConnectButton
              workspaceId={workspaceId}
              login="facebook"
              returnTo="accounts"
              className={`${button} border border-slate-200 bg-white text-slate-700 hover:bg-slate-50`}
            >
              Connect with Facebook Login
            </ConnectButton>
            <p className="min-w-0 flex-1 text-sm text-slate-500">
              For accounts linked to a Facebook Page you manage. The Page token does not expire.
            </p>
          </div>
        ) : null}
      </div>
    </section>
  );
}
