import { type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { requireActor } from '#app/lib/auth.server.ts';
import { services } from '#app/lib/services.server.ts';
import {
  callbackUrl,
  completeConnect,
  consumeOAuthState,
  type ReturnScreen,
} from '#server/accounts/index.ts';
import { AppError, toAppError } from '#server/errors.ts';
import { DEFAULT_HISTORY_DAYS, startHistoryImport } from '#server/history/index.ts';

/** Meta sends the operator back here; the outcome is shown on the screen they started from. */
export async function loader({ request }: LoaderFunctionArgs) {
  const headers = new Headers();
  const actor = await requireActor(request, headers);
  const params = new URL(request.url).searchParams;
  const state = params.get('state') ?? '';
  const back = (
    to: { workspaceId: string; returnScreen: ReturnScreen } | null,
    outcome: Record<string, string>,
  ) =>
    redirect(`${to ? `/w/${to.workspaceId}/${to.returnScreen}` : '/'}?${new URLSearchParams(outcome)}`, {
      headers,
    });

  try {
    if (params.get('error')) {
      // The operator said no on Meta's screen: use up the state and say so.
      return back(await consumeOAuthState(services.db, actor, state), {
        connect_error: 'Instagram access was not granted, so nothing was connected.',
      });
    }
    const code = params.get('code');
    if (!code) throw new AppError('BAD_INPUT', 'Instagram sent no sign-in code. Try connecting again.');
    const connected = await completeConnect(services, actor, {
      code,
      state,
      redirectUri: callbackUrl(services.env.APP_URL),
    });
    // The inbox starts with what the customers wrote before: each account's recent history.
    for (const account of connected.accounts) {
      await startHistoryImport(services, {
        workspaceId: connected.workspaceId,
        connectionId: account.connectionId,
        kind: 'BACKFILL',
        days: DEFAULT_HISTORY_DAYS,
        requestedBy: actor.userId,
      });
    }
    return back(connected, {
      connected: connected.accounts.map((a) => `@${a.username}`).join(', '),
    });
  } catch (caught) {
    // Including a database that is away: the operator reads that it is temporary and tries again.
    const error = toAppError(caught);
    if (!error) throw caught;
    return back(null, { connect_error: error.message });
  }
}
