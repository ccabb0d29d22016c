import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { AuthCard } from '#app/components/auth-card.tsx';
import { services } from '#app/lib/services.server.ts';
import { unavailableAs503 } from '#app/lib/unavailable.server.ts';
import { findDeletionStatus } from '#server/accounts/index.ts';

export const meta: MetaFunction = () => [{ title: 'Data deletion request' }];

/** The public status page Meta links to from a data-deletion request. */
export const loader = unavailableAs503(async ({ params }: LoaderFunctionArgs) => {
  const status = await findDeletionStatus(services.db, params.code ?? '');
  if (!status) throw data('No deletion request has this confirmation code.', { status: 404 });
  return status;
});

const LABELS: Record<string, string> = {
  accounts: 'Instagram accounts',
  conversations: 'Conversations',
  messages: 'Messages',
  leads: 'Leads',
  contacts: 'Contact profiles',
  events: 'Webhook events',
  deliveries: 'Raw webhook deliveries',
};

export default function DeletionStatusPage() {
  const status = useLoaderData<typeof loader>();
  const done = status.status === 'COMPLETED';
  return (
    <AuthCard
      title={done ? 'Your data has been deleted' : 'Deletion in progress'}
      subtitle={`Confirmation code ${status.confirmationCode}`}
      footer={`Requested ${new Date(status.requestedAt).toUTCString()}`}
    >
      <p className="text-sm text-slate-600">
        {done
          ? `Completed ${new Date(status.completedAt ?? status.requestedAt).toUTCString()}. We removed:`
          : 'We received the request and are deleting:'}
      </p>
      <ul className="mt-3 divide-y divide-slate-100 text-sm">
        {Object.entries(status.summary).map(([key, count]) => (
          <li key={key} className="flex justify-between py-1.5">
            <span className="text-slate-700">{LABELS[key] ?? key}</span>
            <span className="font-medium tabular-nums text-slate-900">{count}</span>
          </li>
        ))}
      </ul>
    </AuthCard>
  );
}
