// The conversation header's privacy actions, for owners and admins: export everything held about
// the contact (a JSON file, and their messages as CSV) or erase them everywhere, after saying
// what goes. Both are recorded in the audit log.
import { useNavigate } from '@remix-run/react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { saveFile } from '#app/lib/save-file.ts';
import { useTRPC } from '#app/lib/trpc.ts';

export function ContactPrivacy({
  workspaceId,
  conversationId,
  name,
  buttonClass,
}: {
  workspaceId: string;
  conversationId: string;
  name: string;
  buttonClass: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const exported = useMutation(
    trpc.privacy.exportContact.mutationOptions({
      onSuccess: ({ messagesCsv, ...data }) => {
        const stem = `contact-${data.contact.instagramUserId}-${data.exportedAt.slice(0, 10)}`;
        saveFile([JSON.stringify(data, null, 2)], `${stem}.json`, 'application/json');
        saveFile([messagesCsv], `${stem}-messages.csv`, 'text/csv;charset=utf-8');
      },
    }),
  );
  const erase = useMutation(
    trpc.privacy.eraseContact.mutationOptions({
      onSuccess: () => {
        // The conversation is gone: leave it (its own query, no longer shown, is not asked again).
        navigate(`/w/${workspaceId}/inbox`, { replace: true });
        void queryClient.invalidateQueries(trpc.inbox.listConversations.pathFilter());
      },
    }),
  );
  return (
    <>
      <button
        type="button"
        className={buttonClass}
        disabled={exported.isPending}
        onClick={() => exported.mutate({ workspaceId, conversationId })}
      >
        Export data
      </button>
      <button type="button" className={buttonClass} onClick={() => setConfirming(true)}>
        Erase contact
      </button>
      {exported.isError ? (
        <span role="alert" className="text-xs text-red-700">
          {exported.error.message}
        </span>
      ) : null}
      {confirming ? (
        <div className="fixed inset-0 z-20 flex items-center justify-center bg-slate-900/40 p-4">
          <div
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="erase-title"
            aria-describedby="erase-detail"
            className="w-full max-w-md rounded-xl bg-white p-5 shadow-xl"
          >
            <h2 id="erase-title" className="text-base font-semibold text-slate-900">
              Erase {name}?
            </h2>
            <p id="erase-detail" className="mt-2 text-sm text-slate-600">
              Their conversation and every message, their lead, their profile and everything Meta sent about
              them are deleted from this workspace for good, including the raw webhook deliveries. If they
              write again, they start as a new contact. Export their data first if you need a copy.
            </p>
            {erase.isError ? (
              <p role="alert" className="mt-2 text-sm text-red-700">
                {erase.error.message}
              </p>
            ) : null}
            <div className="mt-4 flex justify-end gap-2">
              <button type="button" className={buttonClass} onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button
                type="button"
                disabled={erase.isPending}
                onClick={() => erase.mutate({ workspaceId, conversationId })}
                className="rounded-lg bg-red-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-700 disabled:opacity-60"
              >
                Erase everything
              </button>
            </div>
          </div>
        </div>
      ) : null}
    </>
  );
}
