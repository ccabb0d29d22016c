// "Disconnect @account?": the admin chooses what happens to the account's history before anything
// changes. A native modal <dialog>: focus stays inside, Escape cancels, screen readers announce it.
import clsx from 'clsx';
import { useEffect, useId, useRef, useState } from 'react';

interface DisconnectChoice {
  deleteHistory: boolean;
}

const CHOICES = [
  {
    deleteHistory: false,
    label: 'Keep history',
    detail:
      'Its conversations, messages and leads stay in this workspace. No new messages arrive and replies cannot be sent until it is connected again.',
  },
  {
    deleteHistory: true,
    label: 'Delete history',
    detail:
      "Permanently deletes the account's conversations, messages, leads and contact profiles from this workspace. This cannot be undone.",
  },
] as const;

export function DisconnectDialog({
  username,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  username: string;
  pending: boolean;
  error: string | null;
  onConfirm: (choice: DisconnectChoice) => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [deleteHistory, setDeleteHistory] = useState(false);
  const id = useId();
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-consequence`}
      // Escape (the browser's cancel) closes through React state, not behind its back.
      onCancel={(event) => {
        event.preventDefault();
        if (!pending) onCancel();
      }}
      className="m-auto w-full max-w-lg rounded-2xl bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40"
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm({ deleteHistory });
        }}
        className="p-6"
      >
        <h2 id={`${id}-title`} className="text-base font-semibold">
          Disconnect {username}?
        </h2>
        <p id={`${id}-consequence`} className="mt-2 text-sm leading-relaxed text-slate-600">
          Meta stops sending this account's direct messages to the workspace, and its access token is deleted.
          You can connect it again at any time.
        </p>
        <fieldset className="mt-5 space-y-2.5">
          <legend className="text-sm font-medium text-slate-900">Conversation history</legend>
          {CHOICES.map((choice) => (
            <label
              key={choice.label}
              className={clsx(
                'flex cursor-pointer gap-3 rounded-lg border p-3 transition',
                deleteHistory === choice.deleteHistory
                  ? choice.deleteHistory
                    ? 'border-red-300 bg-red-50'
                    : 'border-brand-500 bg-brand-50'
                  : 'border-slate-200 hover:bg-slate-50',
              )}
            >
              <input
                type="radio"
                name="history"
                checked={deleteHistory === choice.deleteHistory}
                onChange={() => setDeleteHistory(choice.deleteHistory)}
                className="mt-0.5 accent-brand-600"
              />
              <span>
                <span className="block text-sm font-medium">{choice.label}</span>
                <span className="mt-0.5 block text-xs leading-relaxed text-slate-600">{choice.detail}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {error ? (
          <p role="alert" className="mt-4 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        ) : null}
        <div className="mt-6 flex justify-end gap-2">
          <button
            type="button"
            onClick={onCancel}
            disabled={pending}
            className="rounded-lg border border-slate-200 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
          >
            Cancel
          </button>
          <button
            type="submit"
            disabled={pending}
            className="rounded-lg bg-red-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-red-700 disabled:opacity-60"
          >
            {pending ? 'Disconnecting…' : deleteHistory ? 'Disconnect and delete history' : 'Disconnect'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
