// The app shell around every workspace page: navigation, workspace switcher, the operator.
import { data, type LoaderFunctionArgs } from '@remix-run/node';
import {
  Form,
  NavLink,
  Outlet,
  useLoaderData,
  useNavigate,
  useParams,
  useSearchParams,
} from '@remix-run/react';
import clsx from 'clsx';
import { BrandMark } from '#app/components/brand.tsx';
import { ConnectButton } from '#app/components/connect-button.tsx';
import {
  AccountsIcon,
  AuditIcon,
  CloseIcon,
  HealthIcon,
  InboxIcon,
  LeadsIcon,
  MenuIcon,
  SettingsIcon,
  SignOutIcon,
  TeamIcon,
  WebhookIcon,
} from '#app/components/icons.tsx';
import { requireActor } from '#app/lib/auth.server.ts';
import { useLiveWorkspace } from '#app/lib/live.ts';
import { services } from '#app/lib/services.server.ts';
import { unavailableAs503 } from '#app/lib/unavailable.server.ts';
import { useMenuDrawer } from '#app/lib/use-menu-drawer.ts';
import { listAccountStatuses } from '#server/accounts/index.ts';
import { getOperator } from '#server/team/index.ts';

export const loader = unavailableAs503(async ({ request, params }: LoaderFunctionArgs) => {
  const headers = new Headers();
  const actor = await requireActor(request, headers);
  const operator = await getOperator(services.db, actor);
  const workspace = operator.workspaces.find((w) => w.id === params.workspaceId);
  if (!workspace) throw data('You are not a member of this workspace.', { status: 404, headers });
  const accounts = await services.db.withUser(actor, (trx) => listAccountStatuses(trx, workspace.id));
  return data(
    {
      operator,
      workspace,
      accounts,
      facebookLogin: services.facebookOAuth !== undefined,
      // Public values: the browser joins Realtime with them and the operator's own session.
      realtime: { url: services.env.SUPABASE_URL, anonKey: services.env.SUPABASE_ANON_KEY },
    },
    { headers },
  );
});

const NAV = [
  { to: 'inbox', label: 'Inbox', icon: InboxIcon },
  { to: 'leads', label: 'Leads', icon: LeadsIcon },
  { to: 'accounts', label: 'Accounts', icon: AccountsIcon },
  { to: 'health', label: 'Health', icon: HealthIcon },
  { to: 'webhooks', label: 'Webhook test', icon: WebhookIcon },
  { to: 'team', label: 'Team', icon: TeamIcon },
  { to: 'settings', label: 'Settings', icon: SettingsIcon },
  { to: 'audit', label: 'Audit log', icon: AuditIcon, adminOnly: true },
];

export default function WorkspaceShell() {
  const { operator, workspace, accounts, facebookLogin, realtime } = useLoaderData<typeof loader>();
  useLiveWorkspace(workspace.id, realtime);
  const navigate = useNavigate();
  const menu = useMenuDrawer();
  // On a narrow screen a conversation has the screen to itself, with its own Back to the list.
  const inConversation = useParams().conversationId !== undefined;
  const name = operator.profile.displayName ?? operator.profile.email;
  return (
    // dvh: the shell is as tall as what is visible now (browser bars, an on-screen keyboard), so
    // whatever sits at its bottom, such as the reply box, stays in view.
    <div className="flex h-dvh">
      {menu.open ? (
        <div
          aria-hidden="true"
          className="fixed inset-0 z-30 bg-slate-900/40 lg:hidden"
          onClick={menu.close}
        />
      ) : null}
      <aside
        ref={menu.drawer}
        id="workspace-menu"
        {...(menu.open ? { role: 'dialog', 'aria-modal': true, 'aria-label': 'Menu' } : {})}
        className={clsx(
          'w-60 shrink-0 flex-col border-r border-slate-200 bg-white',
          // Below lg the sidebar is a drawer: out of the page until the menu button opens it.
          menu.open
            ? 'fixed inset-y-0 left-0 z-40 flex w-72 max-w-[85vw] shadow-xl lg:static lg:w-60 lg:shadow-none'
            : 'hidden lg:flex',
        )}
      >
        <div className="flex items-center gap-2.5 px-4 pt-5 pb-4 max-lg:pt-3 max-lg:pb-3">
          <BrandMark className="h-8 w-8" />
          <span className="text-[15px] font-semibold tracking-tight">Direct Inbox</span>
          <button
            type="button"
            onClick={menu.close}
            className="ml-auto flex h-10 w-10 items-center justify-center rounded-lg text-slate-500 hover:bg-slate-100 lg:hidden"
          >
            <CloseIcon className="h-5 w-5" />
            <span className="sr-only">Close menu</span>
          </button>
        </div>
        <div className="px-3">
          <label className="sr-only" htmlFor="workspace-switcher">
            Workspace
          </label>
          <select
            id="workspace-switcher"
            value={workspace.id}
            onChange={(event) => navigate(`/w/${event.target.value}/inbox`)}
            className="w-full rounded-lg border border-slate-200 bg-slate-50 px-2.5 py-2 text-sm font-medium text-slate-800 outline-none focus:border-brand-500 focus:ring-4 focus:ring-brand-100 max-lg:py-2.5"
          >
            {operator.workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
        <nav className="mt-4 flex-1 space-y-0.5 overflow-y-auto px-3" aria-label="Main">
          {NAV.filter((item) => !('adminOnly' in item) || workspace.role !== 'agent').map(
            ({ to, label, icon: NavIcon }) => (
              <NavLink
                key={to}
                to={to}
                className={({ isActive }) =>
                  clsx(
                    'flex items-center gap-2.5 rounded-lg px-2.5 py-2 text-sm font-medium transition max-lg:py-2.5',
                    isActive
                      ? 'bg-brand-50 text-brand-700'
                      : 'text-slate-600 hover:bg-slate-50 hover:text-slate-900',
                  )
                }
              >
                <NavIcon className="h-5 w-5" />
                {label}
              </NavLink>
            ),
          )}
        </nav>
        <div className="border-t border-slate-200 p-3">
          <div className="flex items-center gap-2.5 px-1">
            <span className="flex h-8 w-8 items-center justify-center rounded-full bg-gradient-to-br from-brand-500 to-brand-700 text-sm font-semibold text-white">
              {name.slice(0, 1).toUpperCase()}
            </span>
            <div className="min-w-0 flex-1">
              <p className="truncate text-sm font-medium text-slate-900" data-testid="operator-name">
                {name}
              </p>
              <p className="truncate text-xs text-slate-500 capitalize">{workspace.role}</p>
            </div>
            <Form method="post" action="/sign-out">
              <button
                type="submit"
                title="Sign out"
                className="rounded-md p-1.5 text-slate-400 hover:bg-slate-100 hover:text-slate-700 max-lg:p-2.5"
              >
                <SignOutIcon className="h-5 w-5" />
                <span className="sr-only">Sign out</span>
              </button>
            </Form>
          </div>
        </div>
      </aside>
      <div ref={menu.page} className="flex min-w-0 flex-1 flex-col">
        <header
          className={clsx(
            'items-center gap-2 border-b border-slate-200 bg-white px-2 py-1.5 lg:hidden',
            inConversation ? 'hidden' : 'flex',
          )}
        >
          <button
            ref={menu.button}
            type="button"
            aria-expanded={menu.open}
            aria-controls="workspace-menu"
            onClick={menu.toggle}
            className="flex h-10 w-10 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100"
          >
            <MenuIcon className="h-6 w-6" />
            <span className="sr-only">Menu</span>
          </button>
          <BrandMark className="h-7 w-7" />
          <span className="truncate text-[15px] font-semibold tracking-tight">{workspace.name}</span>
        </header>
        <ConnectOutcome />
        <AccountAlerts
          workspaceId={workspace.id}
          accounts={accounts}
          canConnect={workspace.role !== 'agent'}
          facebookLogin={facebookLogin}
        />
        <div className="min-h-0 flex-1">
          <Outlet />
        </div>
      </div>
    </div>
  );
}

/** The result of connecting an Instagram account, as the OAuth callback reported it. */
function ConnectOutcome() {
  const [params, setParams] = useSearchParams();
  const connected = params.get('connected');
  const failed = params.get('connect_error');
  if (!connected && !failed) return null;
  const dismiss = () =>
    setParams(
      (current) => {
        current.delete('connected');
        current.delete('connect_error');
        return current;
      },
      { replace: true },
    );
  return (
    <div
      role={failed ? 'alert' : 'status'}
      className={clsx(
        'flex items-center justify-between gap-4 border-b px-5 py-2.5 text-sm',
        failed
          ? 'border-red-200 bg-red-50 text-red-800'
          : 'border-emerald-200 bg-emerald-50 text-emerald-800',
      )}
    >
      <span>{failed ?? `Connected ${connected}. New direct messages will appear here.`}</span>
      <button type="button" onClick={dismiss} className="font-medium underline-offset-2 hover:underline">
        Dismiss
      </button>
    </div>
  );
}

type AccountSummary = ReturnType<typeof useLoaderData<typeof loader>>['accounts'][number];

/** Accounts that need an operator: none connected yet, or a token Meta no longer accepts. */
function AccountAlerts({
  workspaceId,
  accounts,
  canConnect,
  facebookLogin,
}: {
  workspaceId: string;
  facebookLogin: boolean;
  accounts: AccountSummary[];
  canConnect: boolean;
}) {
  const live = accounts.filter((a) => a.status !== 'DISCONNECTED');
  const broken = live.filter((a) => a.status === 'NEEDS_REAUTH');
  // On a phone the buttons wrap under the words, each big enough to tap.
  const action =
    'ml-3 rounded-md bg-white/70 px-2.5 py-1 font-semibold shadow-sm ring-1 ring-inset hover:bg-white max-lg:mt-2 max-lg:ml-0 max-lg:mr-2 max-lg:min-h-10';
  if (live.length === 0) {
    return (
      <div className="border-b border-brand-100 bg-brand-50 px-5 py-2.5 text-sm text-brand-700" role="status">
        No Instagram account is connected yet.
        {canConnect ? (
          <>
            <ConnectButton workspaceId={workspaceId} className={`${action} ring-brand-100`}>
              Connect Instagram
            </ConnectButton>
            {facebookLogin ? (
              <ConnectButton
                workspaceId={workspaceId}
                login="facebook"
                className={`${action} ring-brand-100`}
              >
                Connect with Facebook (Page-linked)
              </ConnectButton>
            ) : null}
          </>
        ) : (
          ' Ask a workspace admin to connect one.'
        )}
      </div>
    );
  }
  return (
    <>
      {broken.map((account) => (
        <div
          key={account.id}
          role="alert"
          className="border-b border-amber-200 bg-amber-50 px-5 py-2.5 text-sm text-amber-900"
        >
          <strong>{account.accountName ?? account.accountId} needs to be reconnected.</strong>{' '}
          {account.needsReauthReason} Messages keep arriving meanwhile; replies wait until it is reconnected.
          {canConnect ? (
            <ConnectButton
              workspaceId={workspaceId}
              login={account.loginPath}
              className={`${action} ring-amber-200`}
            >
              Reconnect
            </ConnectButton>
          ) : null}
        </div>
      ))}
    </>
  );
}
