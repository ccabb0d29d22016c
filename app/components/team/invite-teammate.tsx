// "Invite a teammate": an owner or admin picks a role and gets a single-use link, shown once here
// (the server keeps only its hash) with a button to copy it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { PRIMARY_LOOK } from '#app/components/auth-card.tsx';
import { CheckIcon, CopyIcon, LinkIcon } from '#app/components/icons.tsx';
import { useTRPC } from '#app/lib/trpc.ts';
import { ROLES, withArticle } from './roles.tsx';
import { CARD, formatDate, SELECT } from './team-styles.ts';

type InvitableRole = 'agent' | 'admin';

export function InviteTeammate({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<InvitableRole>('agent');
  const invite = useMutation(
    trpc.team.invite.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.team.members.queryFilter({ workspaceId })),
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    invite.mutate({ workspaceId, role });
  }

  return (
    <section aria-labelledby="invite-heading" className={`${CARD} p-5`}>
      <div className="flex items-start gap-3">
        <span className="flex h-9 w-9 shrink-0 items-center justify-center rounded-xl bg-brand-50 text-brand-600">
          <LinkIcon className="h-5 w-5" />
        </span>
        <div>
          <h2 id="invite-heading" className="text-sm font-semibold text-slate-900">
            Invite a teammate
          </h2>
          <p className="mt-0.5 text-sm text-slate-500">
            Make a link for one person. It works once and expires after 7 days.
          </p>
        </div>
      </div>
      <form onSubmit={submit} className="mt-4 flex flex-wrap items-end gap-3">
        <label className="block min-w-0 flex-1 max-sm:basis-full sm:max-w-md">
          <span className="text-sm font-medium text-slate-700">Invite as</span>
          <select
            value={role}
            onChange={(event) => setRole(event.target.value as InvitableRole)}
            className={`${SELECT} mt-1.5 block w-full py-2`}
          >
            {(['agent', 'admin'] as const).map((option) => (
              <option key={option} value={option}>
                {ROLES[option].label} — can {ROLES[option].can}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          disabled={invite.isPending}
          className={`px-4 py-2 ${PRIMARY_LOOK} max-sm:min-h-10 max-sm:w-full`}
        >
          {invite.isPending ? 'Creating…' : 'Create invite link'}
        </button>
      </form>
      {invite.isError ? (
        <p role="alert" className="mt-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700">
          {invite.error.message}
        </p>
      ) : null}
      {invite.data ? (
        <CreatedLink
          key={invite.data.url}
          url={invite.data.url}
          role={invite.data.invitation.role}
          expiresAt={invite.data.invitation.expiresAt}
        />
      ) : null}
    </section>
  );
}

function CreatedLink({ url, role, expiresAt }: { url: string; role: InvitableRole; expiresAt: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copyLink() {
    try {
      await navigator.clipboard.writeText(url);
      setCopy('copied');
    } catch {
      // Without clipboard access (an insecure origin, a denied permission) the link is selected
      // for the operator to copy by hand.
      input.current?.select();
      setCopy('failed');
    }
  }
  return (
    <div role="status" className="mt-4 rounded-xl border border-emerald-200 bg-emerald-50 p-4">
      <p className="text-sm font-medium text-emerald-900">Invite link for {withArticle(role)} is ready</p>
      <p className="mt-0.5 text-xs text-emerald-800">
        Copy it now and send it to your teammate: it is shown only this once. It expires on{' '}
        {formatDate(expiresAt)}.
      </p>
      <div className="mt-3 flex gap-2">
        <input
          ref={input}
          readOnly
          aria-label="Invite link"
          value={url}
          onFocus={(event) => event.target.select()}
          className="min-w-0 flex-1 rounded-lg border border-emerald-200 bg-white px-3 py-2 font-mono text-xs text-slate-800 outline-none focus:ring-4 focus:ring-emerald-100"
        />
        <button
          type="button"
          onClick={copyLink}
          className="inline-flex shrink-0 items-center gap-1.5 rounded-lg bg-white px-3 py-2 text-sm font-semibold text-emerald-800 shadow-sm ring-1 ring-emerald-200 ring-inset transition hover:bg-emerald-100"
        >
          {copy === 'copied' ? <CheckIcon className="h-4 w-4" /> : <CopyIcon className="h-4 w-4" />}
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copy === 'failed' ? (
        <p className="mt-2 text-xs text-emerald-800">
          Copying is blocked here: the link is selected, press Ctrl+C.
        </p>
      ) : null}
    </div>
  );
}
