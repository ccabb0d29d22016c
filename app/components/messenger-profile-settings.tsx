// Ice breakers (the questions a new customer can tap in an empty chat) and the persistent menu of
// an Instagram account, per locale: edited here, previewed as the customer sees them, published
// to Meta by owners and admins. The editor starts from what Meta holds now, so it never shows a
// stale copy of ours; Meta's refusals are shown as Meta worded them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import clsx from 'clsx';
import { useEffect, useState } from 'react';
import { useTRPC } from '#app/lib/trpc.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';

type Profile = inferRouterInputs<AppRouter>['settings']['publishMessengerProfile']['profile'];
type Held = NonNullable<inferRouterOutputs<AppRouter>['settings']['messengerProfile']['profile']>;
type IceBreaker = Profile['iceBreakers'][number]['items'][number];
type MenuItem = Profile['persistentMenu'][number]['items'][number];

const MAX_ICE_BREAKERS = 4;
const MAX_MENU_ITEMS = 20;
const field =
  'min-w-0 rounded-lg border border-slate-300 px-2.5 py-1.5 text-sm focus:border-brand-500 focus:outline-none disabled:bg-slate-100';

/** A payload the operator did not write: the words, as a constant (what a bot would match on). */
const payloadFor = (words: string) =>
  words
    .normalize('NFKD')
    .replace(/[^\w\s]/g, '')
    .trim()
    .replace(/\s+/g, '_')
    .toUpperCase()
    .slice(0, 100) || 'TAPPED';

interface Draft {
  iceBreakers: Record<string, IceBreaker[]>;
  menu: Record<string, MenuItem[]>;
}

function draftOf(held: Held | null): Draft {
  const draft: Draft = { iceBreakers: { default: [] }, menu: { default: [] } };
  for (const locale of held?.iceBreakers ?? []) draft.iceBreakers[locale.locale] = locale.items;
  for (const locale of held?.persistentMenu ?? []) {
    draft.menu[locale.locale] = locale.items.map((item) =>
      item.type === 'web_url' ? { ...item, url: item.url ?? '' } : item,
    );
  }
  return draft;
}

/** The profile to publish: empty locales left out, missing payloads made from the words. */
function profileOf(draft: Draft): Profile {
  const locales = <T,>(byLocale: Record<string, T[]>, fill: (item: T) => T) =>
    Object.entries(byLocale)
      .filter(([, items]) => items.length > 0)
      .map(([locale, items]) => ({ locale, items: items.map(fill) }));
  return {
    iceBreakers: locales(draft.iceBreakers, (item) => ({
      ...item,
      payload: item.payload.trim() || payloadFor(item.question),
    })),
    persistentMenu: locales(draft.menu, (item) =>
      item.type === 'postback' ? { ...item, payload: item.payload.trim() || payloadFor(item.title) } : item,
    ),
  };
}

function Preview({ iceBreakers, menu }: { iceBreakers: IceBreaker[]; menu: MenuItem[] }) {
  return (
    <figure
      className="w-64 shrink-0 rounded-3xl border-4 border-slate-800 bg-white p-3 text-xs"
      aria-label="Preview"
    >
      <figcaption className="border-b border-slate-100 pb-2 text-center font-semibold text-slate-700">
        As the customer sees it
      </figcaption>
      <div className="flex min-h-40 flex-col justify-end gap-1.5 py-3">
        {iceBreakers.length === 0 ? (
          <p className="text-center text-slate-400">No ice breakers</p>
        ) : (
          iceBreakers.map((item, index) => (
            <span
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
              key={index}
              className="self-end rounded-full border border-brand-300 px-3 py-1 text-brand-700"
            >
              {item.question || '…'}
            </span>
          ))
        )}
      </div>
      {menu.length > 0 ? (
        <ul className="space-y-1 border-t border-slate-100 pt-2" aria-label="Menu preview">
          {menu.map((item, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
            <li key={index} className="rounded bg-slate-50 px-2 py-1 text-slate-700">
              {item.title || '…'}
              {item.type === 'web_url' ? ' ↗' : ''}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="mt-2 text-center text-[10px] text-slate-400">Instagram on phones only; not on desktop.</p>
    </figure>
  );
}

function Editor({
  workspaceId,
  accountId,
  held,
  canEdit,
}: {
  workspaceId: string;
  accountId: string;
  held: Held | null;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(held));
  const [locale, setLocale] = useState('default');
  const [newLocale, setNewLocale] = useState('');
  const publish = useMutation(
    trpc.settings.publishMessengerProfile.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.settings.messengerProfile.queryKey({ workspaceId, accountId }), {
          profile: saved,
          error: null,
        });
        setDraft(draftOf(saved));
      },
    }),
  );
  const locales = [...new Set(['default', ...Object.keys(draft.iceBreakers), ...Object.keys(draft.menu)])];
  const iceBreakers = draft.iceBreakers[locale] ?? [];
  const menu = draft.menu[locale] ?? [];
  const setIceBreakers = (items: IceBreaker[]) =>
    setDraft({ ...draft, iceBreakers: { ...draft.iceBreakers, [locale]: items } });
  const setMenu = (items: MenuItem[]) => setDraft({ ...draft, menu: { ...draft.menu, [locale]: items } });
  const disabled = !canEdit || publish.isPending;

  return (
    <div className="px-5 py-4">
      <div className="flex flex-wrap items-center gap-1.5 text-xs" role="tablist" aria-label="Locales">
        {locales.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={locale === name}
            onClick={() => setLocale(name)}
            className={clsx(
              'rounded-full border px-2.5 py-1 font-medium',
              locale === name
                ? 'border-brand-500 bg-brand-50 text-brand-700'
                : 'border-slate-200 text-slate-600',
            )}
          >
            {name === 'default' ? 'Default' : name}
          </button>
        ))}
        {canEdit ? (
          <form
            className="flex gap-1"
            onSubmit={(event) => {
              event.preventDefault();
              if (!/^[a-z]{2}_[A-Z]{2}$/.test(newLocale)) return;
              setDraft({ ...draft, iceBreakers: { ...draft.iceBreakers, [newLocale]: [] } });
              setLocale(newLocale);
              setNewLocale('');
            }}
          >
            <input
              aria-label="New locale"
              placeholder="pt_BR"
              pattern="[a-z]{2}_[A-Z]{2}"
              value={newLocale}
              onChange={(event) => setNewLocale(event.target.value)}
              className={`${field} w-20 py-1 text-xs`}
            />
            <button type="submit" className="rounded border border-slate-200 px-2 py-1 hover:bg-slate-50">
              Add locale
            </button>
          </form>
        ) : null}
      </div>

      <div className="mt-4 flex flex-col gap-6 md:flex-row">
        <div className="min-w-0 flex-1 space-y-5">
          <fieldset disabled={disabled}>
            <legend className="text-sm font-medium text-slate-900">
              Ice breakers <span className="font-normal text-slate-500">(up to {MAX_ICE_BREAKERS})</span>
            </legend>
            <ul className="mt-2 space-y-2">
              {iceBreakers.map((item, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
                <li key={index} className="flex gap-2">
                  <input
                    aria-label={`Question ${index + 1}`}
                    maxLength={80}
                    value={item.question}
                    onChange={(event) =>
                      setIceBreakers(
                        iceBreakers.map((b, i) => (i === index ? { ...b, question: event.target.value } : b)),
                      )
                    }
                    className={`${field} flex-1`}
                  />
                  <input
                    aria-label={`Payload ${index + 1}`}
                    placeholder={payloadFor(item.question)}
                    value={item.payload}
                    onChange={(event) =>
                      setIceBreakers(
                        iceBreakers.map((b, i) => (i === index ? { ...b, payload: event.target.value } : b)),
                      )
                    }
                    className={`${field} w-36 font-mono text-xs`}
                  />
                  <button
                    type="button"
                    aria-label={`Remove question ${index + 1}`}
                    onClick={() => setIceBreakers(iceBreakers.filter((_, i) => i !== index))}
                    className="rounded px-2 text-slate-400 hover:bg-slate-100"
                  >
                    ✕
                  </button>
                </li>
              ))}
            </ul>
            {iceBreakers.length < MAX_ICE_BREAKERS ? (
              <button
                type="button"
                onClick={() => setIceBreakers([...iceBreakers, { question: '', payload: '' }])}
                className="mt-2 text-xs font-medium text-brand-700 hover:underline"
              >
                Add a question
              </button>
            ) : null}
          </fieldset>

          <fieldset disabled={disabled}>
            <legend className="text-sm font-medium text-slate-900">
              Persistent menu{' '}
              <span className="font-normal text-slate-500">(up to {MAX_MENU_ITEMS} items)</span>
            </legend>
            <ul className="mt-2 space-y-2">
              {menu.map((item, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
                <li key={index} className="flex gap-2">
                  <select
                    aria-label={`Menu item ${index + 1} kind`}
                    value={item.type}
                    onChange={(event) =>
                      setMenu(
                        menu.map((m, i) =>
                          i !== index
                            ? m
                            : event.target.value === 'web_url'
                              ? { type: 'web_url', title: m.title, url: '' }
                              : { type: 'postback', title: m.title, payload: '' },
                        ),
                      )
                    }
                    className={field}
                  >
                    <option value="postback">Button</option>
                    <option value="web_url">Link</option>
                  </select>
                  <input
                    aria-label={`Menu item ${index + 1} title`}
                    maxLength={30}
                    value={item.title}
                    onChange={(event) =>
                      setMenu(menu.map((m, i) => (i === index ? { ...m, title: event.target.value } : m)))
                    }
                    className={`${field} flex-1`}
                  />
                  <input
                    aria-label={
                      item.type === 'web_url'
                        ? `Menu item ${index + 1} link`
                        : `Menu item ${index + 1} payload`
                    }
                    placeholder={item.type === 'web_url' ? 'https://…' : payloadFor(item.title)}
                    value={item.type === 'web_url' ? item.url : item.payload}
                    onChange={(event) =>
                      setMenu(
                        menu.map((m, i) =>
                          i !== index
                            ? m
                            : m.type === 'web_url'
                              ? { ...m, url: event.target.value }
                              : { ...m, payload: event.target.value },
                        ),
                      )
                    }
                    className={`${field} w-44 text-xs`}
                  />
                  <button
                    type="button"
                    aria-label={`Remove menu item ${index + 1}`}
                    onClick={() => setMenu(menu.filter((_, i) => i !== index))}
                    className="rounded px-2 text-slate-400 hover:bg-slate-100"
                  >
                    ✕
                  </button>
                </li>
              ))}
            </ul>
            {menu.length < MAX_MENU_ITEMS ? (
              <button
                type="button"
                onClick={() => setMenu([...menu, { type: 'postback', title: '', payload: '' }])}
                className="mt-2 text-xs font-medium text-brand-700 hover:underline"
              >
                Add a menu item
              </button>
            ) : null}
          </fieldset>
        </div>
        <Preview iceBreakers={iceBreakers} menu={menu} />
      </div>

      {publish.isError ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {publish.error.message}
        </p>
      ) : null}
      {publish.isSuccess ? (
        <p role="status" className="mt-3 text-sm text-emerald-700">
          Published: Instagram now shows these.
        </p>
      ) : null}
      {canEdit ? (
        <button
          type="button"
          disabled={publish.isPending}
          onClick={() => publish.mutate({ workspaceId, accountId, profile: profileOf(draft) })}
          className="mt-4 rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50"
        >
          {publish.isPending ? 'Publishing…' : 'Publish to Instagram'}
        </button>
      ) : (
        <p className="mt-4 text-xs text-slate-500">Only owners and admins can change these.</p>
      )}
    </div>
  );
}

export function MessengerProfileSettings({
  workspaceId,
  canEdit,
}: {
  workspaceId: string;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const accounts = useQuery(trpc.accounts.list.queryOptions({ workspaceId }));
  const connected = (accounts.data ?? []).filter((account) => account.status === 'CONNECTED');
  const [accountId, setAccountId] = useState<string | undefined>();
  useEffect(() => {
    if (!accountId && connected[0]) setAccountId(connected[0].id);
  }, [accountId, connected]);
  const held = useQuery({
    ...trpc.settings.messengerProfile.queryOptions({ workspaceId, accountId: accountId ?? '' }),
    enabled: accountId !== undefined,
  });
  return (
    <section
      className="mt-6 rounded-xl border border-slate-200 bg-white shadow-sm"
      aria-labelledby="messenger-profile"
    >
      <header className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-200 px-5 py-4">
        <div>
          <h2 id="messenger-profile" className="text-sm font-semibold text-slate-900">
            Ice breakers and menu
          </h2>
          <p className="mt-1 text-xs text-slate-500">
            Questions a new customer can tap to start a chat, and a menu in every chat. A tap arrives in the
            inbox with its label.
          </p>
        </div>
        {connected.length > 1 ? (
          <select
            aria-label="Instagram account"
            value={accountId}
            onChange={(event) => setAccountId(event.target.value)}
            className={field}
          >
            {connected.map((account) => (
              <option key={account.id} value={account.id}>
                {account.accountName ?? account.accountId}
              </option>
            ))}
          </select>
        ) : null}
      </header>
      {accounts.isSuccess && connected.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500">Connect an Instagram account to set these.</p>
      ) : held.isError ? (
        <p role="alert" className="px-5 py-4 text-sm text-red-700">
          Could not read them: {held.error.message}
        </p>
      ) : held.data?.error ? (
        <p role="alert" className="px-5 py-4 text-sm text-red-700">
          Instagram did not say what it holds: {held.data.error}
        </p>
      ) : held.data && accountId ? (
        <Editor
          key={accountId}
          workspaceId={workspaceId}
          accountId={accountId}
          held={held.data.profile}
          canEdit={canEdit}
        />
      ) : (
        <p className="px-5 py-4 text-sm text-slate-400">Reading what Instagram holds…</p>
      )}
    </section>
  );
}
