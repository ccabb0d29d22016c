// The Webhook test tab (the seed's built-in tool): what to give Meta, and "Run webhook tests",
// which plays Meta against this deployment's own callback URL and shows each check.
import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData, useParams } from '@remix-run/react';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { WebhookSetup } from '#app/components/webhook-setup.tsx';
import { formatDuration, WebhookTestResults } from '#app/components/webhook-test-results.tsx';
import { requireActor } from '#app/lib/auth.server.ts';
import { services } from '#app/lib/services.server.ts';
import { useTRPC } from '#app/lib/trpc.ts';
import { useWorkspaceAdmin } from '#app/lib/use-workspace-admin.ts';
import { WEBHOOK_FIELDS } from '#server/accounts/index.ts';
import { webhookCallbackUrl } from '#server/ingest/index.ts';

export const meta: MetaFunction = () => [{ title: 'Webhook test · Direct Inbox' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const headers = new Headers();
  await requireActor(request, headers);
  // Public values only: the verify token and app secrets stay on the server.
  return data({ callbackUrl: webhookCallbackUrl(services.env.APP_URL), fields: WEBHOOK_FIELDS }, { headers });
}

export default function WebhookTest() {
  const { callbackUrl, fields } = useLoaderData<typeof loader>();
  const canRun = useWorkspaceAdmin();
  return (
    <div className="h-full overflow-y-auto">
      <div className="mx-auto max-w-3xl space-y-6 px-6 py-8 max-lg:px-4 max-lg:py-5">
        <header>
          <h1 className="text-lg font-semibold tracking-tight">Webhook test</h1>
          <p className="mt-1 text-sm leading-relaxed text-slate-500">
            Meta delivers every direct message to this inbox through a webhook. Set it up once in Meta's App
            Dashboard, then check it end to end here.
          </p>
        </header>
        <WebhookSetup callbackUrl={callbackUrl} fields={fields} />
        <RunWebhookTests canRun={canRun} />
      </div>
    </div>
  );
}

function RunWebhookTests({ canRun }: { canRun: boolean }) {
  const { workspaceId = '' } = useParams();
  const trpc = useTRPC();
  const run = useMutation(trpc.webhooks.runSelfTest.mutationOptions());
  return (
    <section
      aria-labelledby="run-heading"
      aria-busy={run.isPending}
      className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm max-sm:p-4"
    >
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 flex-1">
          <h2 id="run-heading" className="text-base font-semibold text-slate-900">
            Run webhook tests
          </h2>
          <p className="mt-1 text-sm leading-relaxed text-slate-500">
            Sends the callback URL what Meta sends, over the internet like Meta: the verification handshake, a
            wrong token, unsigned and forged events, and a signed test event followed until a worker has
            processed it. The test event is Meta's dashboard test message to a dummy account: it never appears
            in the inbox.
          </p>
        </div>
        <button
          type="button"
          onClick={() => run.mutate({ workspaceId })}
          disabled={!canRun || run.isPending}
          aria-describedby={canRun ? undefined : 'run-not-allowed'}
          className="flex shrink-0 items-center gap-2 rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50"
        >
          {run.isPending ? <Spinner /> : null}
          {run.isPending ? 'Running…' : run.data ? 'Run webhook tests again' : 'Run webhook tests'}
        </button>
      </div>
      {canRun ? null : (
        <p id="run-not-allowed" className="mt-3 rounded-lg bg-slate-50 px-4 py-3 text-sm text-slate-600">
          Only workspace owners and admins can run webhook tests: they send test events to the webhook and ask
          Meta about the workspace's accounts.
        </p>
      )}
      {run.isPending ? (
        <Progress />
      ) : run.isError ? (
        <p role="alert" className="mt-5 rounded-lg bg-red-50 px-4 py-3 text-sm text-red-700">
          Could not run the webhook tests: {run.error.message}
        </p>
      ) : run.data ? (
        <WebhookTestResults result={run.data} />
      ) : null}
    </section>
  );
}

/** The run takes a second or two, up to ten when a worker is slow: show that time is passing. */
function Progress() {
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    const started = Date.now();
    const timer = setInterval(() => setElapsed(Date.now() - started), 200);
    return () => clearInterval(timer);
  }, []);
  return (
    <div role="status" className="mt-5 rounded-lg bg-slate-50 px-4 py-3">
      <div className="flex items-center justify-between text-sm text-slate-600">
        <span>Checking the handshake, the signatures and processing…</span>
        <span className="tabular-nums text-slate-500">{formatDuration(Math.floor(elapsed / 100) * 100)}</span>
      </div>
      <div className="mt-2.5 h-1.5 overflow-hidden rounded-full bg-slate-200">
        {/* The server reports once at the end, so the bar fills towards the ten-second deadline. */}
        <div
          className="h-full rounded-full bg-brand-500 transition-[width] duration-200 ease-linear"
          style={{ width: `${Math.min(95, (elapsed / 10_000) * 100)}%` }}
        />
      </div>
    </div>
  );
}

function Spinner() {
  return (
    <svg className="h-4 w-4 animate-spin" viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity="0.3" strokeWidth="3" />
      <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}
