// Accepting an invitation: the signed-in visitor sees which workspace and role the link offers and
// joins with one click; a link that can no longer be used says why and changes nothing. Signed-out
// visitors are sent to sign in (or sign up) and come back here.
import {
  type ActionFunctionArgs,
  data,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from '@remix-run/react';
import { AuthCard, FormError, PRIMARY_ACTION, SubmitButton } from '#app/components/auth-card.tsx';
import { ROLES, RoleBadge, withArticle } from '#app/components/team/roles.tsx';
import { requireActor } from '#app/lib/auth.server.ts';
import { services } from '#app/lib/services.server.ts';
import { unavailableAs503 } from '#app/lib/unavailable.server.ts';
import { AppError } from '#server/errors.ts';
import {
  acceptInvitation,
  getOperator,
  type InvitationPreview,
  previewInvitation,
} from '#server/team/index.ts';

export const meta: MetaFunction = () => [
  { title: 'Invitation · Inbox' },
  { name: 'robots', content: 'noindex' },
];

// The token is in this page's address: keep it out of other sites' Referer headers and caches.
export const headers: HeadersFunction = () => ({
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
});

const HOUR_MS = 60 * 60 * 1000;

/** "in 7 days", "in 5 hours": worked out here, so the page reads the same before and after hydration. */
function expiresIn(expiresAt: string, now = Date.now()): string {
  const hours = Math.max(1, Math.round((Date.parse(expiresAt) - now) / HOUR_MS));
  if (hours < 24) return `in ${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  const days = Math.round(hours / 24);
  return `in ${days} ${days === 1 ? 'day' : 'days'}`;
}

const HTTP_STATUS: Record<InvitationPreview['status'], number> = {
  pending: 200,
  member: 200,
  invalid: 404,
  accepted: 410,
  revoked: 410,
  expired: 410,
};

export const loader = unavailableAs503(async ({ request, params }: LoaderFunctionArgs) => {
  const headers = new Headers();
  const actor = await requireActor(request, headers);
  const [preview, operator] = await Promise.all([
    previewInvitation(services.db, actor, params.token ?? ''),
    getOperator(services.db, actor),
  ]);
  return data(
    {
      preview:
        preview.status === 'pending' ? { ...preview, expiresIn: expiresIn(preview.expiresAt) } : preview,
      you: operator.profile.displayName ?? operator.profile.email,
    },
    { status: HTTP_STATUS[preview.status], headers },
  );
});

export const action = unavailableAs503(async ({ request, params }: ActionFunctionArgs) => {
  const headers = new Headers();
  const actor = await requireActor(request, headers);
  let workspaceId: string;
  try {
    ({ workspaceId } = await acceptInvitation(services.db, actor, params.token ?? ''));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return data({ error: error.message }, { status: error.status, headers });
  }
  throw redirect(`/w/${workspaceId}/inbox`, { headers });
});

export default function Invitation() {
  const { preview, you } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const footer = <SignedInAs you={you} />;

  if (preview.status === 'pending') {
    return (
      <AuthCard
        title={`Join ${preview.workspaceName}`}
        subtitle={`${preview.invitedBy ?? 'A workspace admin'} invited you to share this Instagram inbox as ${withArticle(preview.role)}.`}
        footer={footer}
      >
        <Form method="post" className="space-y-5">
          <FormError message={result?.error} />
          <dl className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-slate-50 text-sm">
            <div className="flex items-center justify-between gap-4 px-4 py-2.5">
              <dt className="text-slate-500">Workspace</dt>
              <dd className="truncate font-medium text-slate-900">{preview.workspaceName}</dd>
            </div>
            <div className="flex items-center justify-between gap-4 px-4 py-2.5">
              <dt className="text-slate-500">Your role</dt>
              <dd>
                <RoleBadge role={preview.role} />
              </dd>
            </div>
            <div className="flex items-center justify-between gap-4 px-4 py-2.5">
              <dt className="text-slate-500">Link expires</dt>
              <dd className="text-slate-700">{preview.expiresIn}</dd>
            </div>
          </dl>
          <p className="text-sm text-slate-600">
            As {withArticle(preview.role)} you can {ROLES[preview.role].can}.
          </p>
          <SubmitButton pending={navigation.state !== 'idle'}>
            {navigation.state === 'idle' ? `Join ${preview.workspaceName}` : 'Joining…'}
          </SubmitButton>
        </Form>
      </AuthCard>
    );
  }

  if (preview.status === 'member') {
    return (
      <AuthCard
        title={`You're already in ${preview.workspaceName}`}
        subtitle="You are a member of this workspace already, so this invitation changes nothing for you."
        footer={footer}
      >
        <Link to={`/w/${preview.workspaceId}/inbox`} className={PRIMARY_ACTION}>
          Open the inbox
        </Link>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={preview.title} subtitle={preview.message} footer={footer}>
      <div className="space-y-4 text-center">
        <p
          role="alert"
          className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          Nothing was changed: you have not joined any workspace.
        </p>
        <Link to="/" className={PRIMARY_ACTION}>
          Continue
        </Link>
      </div>
    </AuthCard>
  );
}

/** Who is about to join, with a way out for someone signed in as the wrong person. */
function SignedInAs({ you }: { you: string }) {
  const location = useLocation();
  return (
    <Form method="post" action="/sign-out" className="inline">
      <input type="hidden" name="redirectTo" value={location.pathname} />
      Signed in as <span className="font-medium text-slate-800">{you}</span>.{' '}
      <button type="submit" className="font-semibold text-brand-600 hover:text-brand-700">
        Not you? Sign out
      </button>
    </Form>
  );
}
