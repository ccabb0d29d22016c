// One Instagram account on the Accounts screen: who it is, how it is connected, whether its token
// still works and for how long, what Meta sends it, and what an admin can do about it.
import type { inferRouterOutputs } from '@trpc/server';
import clsx from 'clsx';
import type { ReactNode } from 'react';
import { exactTime, relativeTime } from '#app/lib/relative-time.ts';
import { describeTokenExpiry } from '#app/lib/token-expiry.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';
import { Avatar } from './avatar.tsx';
import { ConnectButton } from './connect-button.tsx';

export type AccountStatus = inferRouterOutputs<AppRouter>['accounts']['list'][number];

const STATUS: Record<AccountStatus['status'], { label: string; className: string; dot: string }> = {
  CONNECTED: {
    label: 'Connected',
    className: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
    dot: 'bg-emerald-500',
  },
  NEEDS_REAUTH: {
    label: 'Needs reconnect',
    className: 'bg-amber-50 text-amber-800 ring-amber-200',
    dot: 'bg-amber-500',
  },
  DISCONNECTED: {
    label: 'Disconnected',
    className: 'bg-slate-100 text-slate-600 ring-slate-200',
    dot: 'bg-slate-400',
  },
};

export const LOGIN_PATH_LABEL: Record<AccountStatus['loginPath'], string> = {
  instagram: 'Instagram Login',
  facebook: 'Facebook Login via Page',
};

const EXPIRY_TONE = {
  ok: 'text-slate-700',
  warning: 'text-amber-700 font-medium',
  expired: 'text-red-700 font-medium',
};

export function AccountCard({
  workspaceId,
  account,
  now,
  canManage,
  onDisconnect,
  history,
}: {
  workspaceId: string;
  account: AccountStatus;
  now: number;
  /** Owners and admins connect, reconnect and disconnect; agents only look. */
  canManage: boolean;
  onDisconnect: (account: AccountStatus) => void;
  /** The account's history import, for a live account. */
  history?: ReactNode;
}) {
  const username = account.accountName ?? account.accountId;
  const status = STATUS[account.status];
  const expiry = describeTokenExpiry(account, now);
  const headingId = `account-${account.id}`;
  return (
    <article
      aria-labelledby={headingId}
      className={clsx(
        'rounded-xl border bg-white shadow-sm',
        account.status === 'NEEDS_REAUTH' ? 'border-amber-300' : 'border-slate-200',
      )}
    >
      {/* On a phone the action takes a line of its own, so the name is not cut to a few letters. */}
      <div className="flex items-start gap-4 p-5 max-sm:flex-wrap max-sm:gap-3 max-sm:p-4">
        <Avatar
          name={account.profileName ?? username.replace(/^@/, '')}
          src={account.profilePictureUrl}
          className={clsx('h-14 w-14', account.status === 'DISCONNECTED' && 'opacity-60 grayscale')}
        />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <h2 id={headingId} className="truncate text-base font-semibold text-slate-900">
              {username}
            </h2>
            <span
              className={clsx(
                'inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset',
                status.className,
              )}
            >
              <span className={clsx('h-1.5 w-1.5 rounded-full', status.dot)} aria-hidden="true" />
              {status.label}
            </span>
          </div>
          <p className="mt-0.5 truncate text-sm text-slate-500">
            {account.profileName ?? 'Instagram professional account'}
          </p>
        </div>
        {canManage && account.status !== 'DISCONNECTED' ? (
          <button
            type="button"
            onClick={() => onDisconnect(account)}
            aria-label={`Disconnect ${username}`}
            className="shrink-0 rounded-lg border border-slate-200 px-3 py-1.5 text-sm font-medium text-slate-600 hover:border-red-300 hover:bg-red-50 hover:text-red-700 max-sm:min-h-10 max-sm:w-full"
          >
            Disconnect
          </button>
        ) : canManage ? (
          <ConnectButton
            workspaceId={workspaceId}
            login={account.loginPath}
            returnTo="accounts"
            className="shrink-0 rounded-lg border border-slate-200 px-3 py-1.5 text-sm font-medium text-slate-600 hover:border-brand-500 hover:text-brand-700 max-sm:min-h-10 max-sm:w-full"
          >
            Connect again
          </ConnectButton>
        ) : null}
      </div>

      {account.status === 'NEEDS_REAUTH' ? (
        <div className="mx-5 mb-4 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset">
          <p className="font-semibold">Meta no longer accepts this account's access token.</p>
          {account.needsReauthReason ? <p className="mt-1">{account.needsReauthReason}</p> : null}
          <p className="mt-1 text-amber-800">
            New messages keep arriving; replies wait until the account is reconnected.
          </p>
          {canManage ? (
            <ConnectButton
              workspaceId={workspaceId}
              login={account.loginPath}
              returnTo="accounts"
              className="mt-3 rounded-lg bg-amber-600 px-3.5 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-amber-700"
            >
              Reconnect
            </ConnectButton>
          ) : (
            <p className="mt-2 text-amber-800">Ask a workspace owner or admin to reconnect it.</p>
          )}
        </div>
      ) : null}

      <dl className="grid grid-cols-1 gap-x-6 gap-y-3 border-t border-slate-100 px-5 py-4 text-sm sm:grid-cols-2">
        <Detail term="Login">{LOGIN_PATH_LABEL[account.loginPath]}</Detail>
        <Detail term="Access token">
          {expiry ? (
            <span
              className={EXPIRY_TONE[expiry.tone]}
              title={account.tokenExpiresAt ? exactTime(account.tokenExpiresAt) : undefined}
            >
              {expiry.text}
            </span>
          ) : (
            <span className="text-slate-500">Deleted on disconnect</span>
          )}
          {expiry?.tone === 'warning' && account.tokenExpiresAt ? (
            <span className="mt-0.5 block text-xs text-amber-700">
              The automatic refresh has not succeeded; reconnect before it expires.
            </span>
          ) : null}
        </Detail>
        <Detail term="Webhook fields">
          {account.status === 'DISCONNECTED' ? (
            <span className="text-slate-500">Unsubscribed</span>
          ) : account.webhookFields.length === 0 ? (
            <span className="text-amber-700">Not subscribed</span>
          ) : (
            <span className="flex flex-wrap gap-1">
              {account.webhookFields.map((field) => (
                <code key={field} className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] text-slate-700">
                  {field}
                </code>
              ))}
            </span>
          )}
        </Detail>
        <Detail term="Last event">
          {account.lastEventAt ? (
            <time dateTime={account.lastEventAt} title={exactTime(account.lastEventAt)}>
              {relativeTime(account.lastEventAt, now)}
            </time>
          ) : (
            <span className="text-slate-500">No events yet</span>
          )}
        </Detail>
        <Detail term={account.disconnectedAt ? 'Disconnected' : 'Connected'}>
          <time
            dateTime={account.disconnectedAt ?? account.connectedAt}
            title={exactTime(account.disconnectedAt ?? account.connectedAt)}
          >
            {relativeTime(account.disconnectedAt ?? account.connectedAt, now)}
          </time>
        </Detail>
        <Detail term="Instagram account ID">
          <span className="font-mono text-xs text-slate-600">{account.accountId}</span>
        </Detail>
      </dl>
      {history}
    </article>
  );
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-500">{term}</dt>
      <dd className="mt-0.5 text-slate-700">{children}</dd>
    </div>
  );
}
