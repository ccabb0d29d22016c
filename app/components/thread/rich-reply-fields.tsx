// The parts of the reply box beyond text: links to attach (one file, or several images sent
// together), quick replies under the text, and cards (a generic template). They only gather what
// the operator typed; Meta's limits are checked by the server when the reply is sent, and its
// refusal names the field and the limit.
import type { inferRouterInputs } from '@trpc/server';
import clsx from 'clsx';
import type { KeyboardEvent, ReactNode } from 'react';
import type { AppRouter } from '#server/trpc/app.router.ts';

type SendInput = inferRouterInputs<AppRouter>['messages']['send'];
export type AttachmentType = 'image' | 'video' | 'audio' | 'file';

export const field =
  'rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none disabled:bg-slate-100';
const small =
  'rounded-lg border border-slate-300 px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-50';
const remove = 'rounded px-1.5 text-xs font-medium text-slate-400 hover:bg-slate-100 hover:text-red-600';

/** Enter in these fields fills them in; only the reply box's Enter (or the Send button) sends. */
const keepEnter = (event: KeyboardEvent) => {
  if (event.key === 'Enter' && (event.target as HTMLElement).tagName === 'INPUT') event.preventDefault();
};

/** Meta's own numbers, shown so the operator knows them before the server has to say so. */
const MAX_IMAGES = 10;
const MAX_QUICK_REPLIES = 13;
const MAX_CARDS = 10;
const MAX_BUTTONS = 3;

function replaceAt<T>(items: T[], index: number, item: T): T[] {
  return items.map((existing, i) => (i === index ? item : existing));
}

function Panel({ label, children }: { label: string; children: ReactNode }) {
  return (
    <fieldset
      className="mt-2 max-h-[45vh] min-w-0 space-y-2 overflow-y-auto rounded-lg border border-slate-200 p-3 max-lg:max-h-none"
      onKeyDown={keepEnter}
    >
      <legend className="px-1 text-xs font-semibold text-slate-600">{label}</legend>
      {children}
    </fieldset>
  );
}

// ── Attachments ─────────────────────────────────────────────────────────────────────────────────

export interface AttachDraft {
  /** The first link, and any further images. */
  urls: string[];
  type: AttachmentType | '';
}

export const emptyAttach: AttachDraft = { urls: [''], type: '' };

/** What the draft sends: one attachment as before, or several images in one message. */
export function attachInput(draft: AttachDraft): Pick<SendInput, 'attachment' | 'attachments'> {
  const urls = draft.urls.map((url) => url.trim()).filter((url) => url !== '');
  if (urls.length === 0) return {};
  if (urls.length === 1) return { attachment: { url: urls[0] as string, type: draft.type || undefined } };
  return { attachments: urls.map((url) => ({ url, type: 'image' as const })) };
}

export function AttachFields({
  draft,
  onChange,
  disabled,
}: {
  draft: AttachDraft;
  onChange: (draft: AttachDraft) => void;
  disabled: boolean;
}) {
  const [first = '', ...more] = draft.urls;
  const images = draft.type === '' || draft.type === 'image';
  return (
    <div className="mt-2 space-y-2">
      <div className="flex gap-2">
        <label className="sr-only" htmlFor="attachment-url">
          Attachment URL
        </label>
        <input
          id="attachment-url"
          type="url"
          inputMode="url"
          placeholder="https://… (image, video, audio or PDF)"
          value={first}
          disabled={disabled}
          onChange={(event) => onChange({ ...draft, urls: [event.target.value, ...more] })}
          className={`${field} min-w-0 flex-1`}
        />
        <label className="sr-only" htmlFor="attachment-type">
          Attachment type
        </label>
        <select
          id="attachment-type"
          value={more.length > 0 ? 'image' : draft.type}
          disabled={disabled || more.length > 0}
          onChange={(event) => onChange({ ...draft, type: event.target.value as AttachmentType | '' })}
          className={field}
        >
          <option value="">Type from the link</option>
          <option value="image">Image</option>
          <option value="video">Video</option>
          <option value="audio">Audio</option>
          <option value="file">File (PDF)</option>
        </select>
      </div>
      {more.map((url, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, by position
        <div key={index} className="flex gap-2">
          <input
            type="url"
            inputMode="url"
            aria-label={`Image ${index + 2} URL`}
            placeholder="https://… (image)"
            value={url}
            disabled={disabled}
            onChange={(event) =>
              onChange({ ...draft, urls: [first, ...replaceAt(more, index, event.target.value)] })
            }
            className={`${field} min-w-0 flex-1`}
          />
          <button
            type="button"
            className={remove}
            aria-label={`Remove image ${index + 2}`}
            onClick={() => onChange({ ...draft, urls: [first, ...more.filter((_, i) => i !== index)] })}
          >
            Remove
          </button>
        </div>
      ))}
      <p className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
        <span>
          One image, video, voice note or PDF by its https link, or up to {MAX_IMAGES} images sent together as
          one message.
        </span>
        {images ? (
          <button
            type="button"
            className={small}
            disabled={disabled}
            onClick={() => onChange({ ...draft, type: 'image', urls: [...draft.urls, ''] })}
          >
            Add another image ({draft.urls.length}/{MAX_IMAGES})
          </button>
        ) : null}
      </p>
    </div>
  );
}

// ── Quick replies ───────────────────────────────────────────────────────────────────────────────

export interface QuickReplyDraft {
  title: string;
  payload: string;
}

export const newQuickReply = (): QuickReplyDraft => ({ title: '', payload: '' });

export function quickRepliesInput(drafts: QuickReplyDraft[]): Pick<SendInput, 'quickReplies'> {
  const filled = drafts.filter((draft) => draft.title.trim() !== '' || draft.payload.trim() !== '');
  if (filled.length === 0) return {};
  return {
    quickReplies: filled.map((draft) => ({
      title: draft.title,
      ...(draft.payload.trim() ? { payload: draft.payload } : {}),
    })),
  };
}

export function QuickReplyFields({
  drafts,
  onChange,
  disabled,
}: {
  drafts: QuickReplyDraft[];
  onChange: (drafts: QuickReplyDraft[]) => void;
  disabled: boolean;
}) {
  return (
    <Panel label={`Quick replies (${drafts.length}/${MAX_QUICK_REPLIES})`}>
      <p className="text-xs text-slate-500">
        Buttons under your message; the customer taps one and it comes back as their reply. Titles up to 20
        characters. Instagram on desktop does not show them.
      </p>
      {drafts.map((draft, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, by position
        <div key={index} className="flex gap-2">
          <input
            aria-label={`Quick reply ${index + 1} title`}
            placeholder="Title (what the customer taps)"
            value={draft.title}
            disabled={disabled}
            onChange={(event) => onChange(replaceAt(drafts, index, { ...draft, title: event.target.value }))}
            className={`${field} min-w-0 flex-1`}
          />
          <input
            aria-label={`Quick reply ${index + 1} payload`}
            placeholder="Payload (defaults to the title)"
            value={draft.payload}
            disabled={disabled}
            onChange={(event) =>
              onChange(replaceAt(drafts, index, { ...draft, payload: event.target.value }))
            }
            className={`${field} min-w-0 flex-1`}
          />
          <button
            type="button"
            className={remove}
            aria-label={`Remove quick reply ${index + 1}`}
            onClick={() => onChange(drafts.filter((_, i) => i !== index))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className={small}
        disabled={disabled}
        onClick={() => onChange([...drafts, newQuickReply()])}
      >
        Add quick reply
      </button>
    </Panel>
  );
}

// ── Cards (a generic template) ──────────────────────────────────────────────────────────────────

export interface ButtonDraft {
  type: 'web_url' | 'postback';
  title: string;
  /** The link (web_url) or the payload (postback). */
  value: string;
}

export interface CardDraft {
  title: string;
  subtitle: string;
  imageUrl: string;
  defaultUrl: string;
  buttons: ButtonDraft[];
}

export const newCard = (): CardDraft => ({
  title: '',
  subtitle: '',
  imageUrl: '',
  defaultUrl: '',
  buttons: [],
});

const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());

export function templateInput(cards: CardDraft[]): Pick<SendInput, 'template'> {
  if (cards.length === 0) return {};
  return {
    template: {
      elements: cards.map((card) => ({
        title: card.title,
        subtitle: optional(card.subtitle),
        imageUrl: optional(card.imageUrl),
        defaultUrl: optional(card.defaultUrl),
        buttons: card.buttons.map((button) =>
          button.type === 'web_url'
            ? { type: 'web_url' as const, title: button.title, url: button.value.trim() }
            : { type: 'postback' as const, title: button.title, payload: button.value },
        ),
      })),
    },
  };
}

function CardFields({
  card,
  number,
  onChange,
  onRemove,
  disabled,
}: {
  card: CardDraft;
  number: number;
  onChange: (card: CardDraft) => void;
  onRemove: () => void;
  disabled: boolean;
}) {
  const text = (
    key: 'title' | 'subtitle' | 'imageUrl' | 'defaultUrl',
    label: string,
    placeholder: string,
  ) => (
    <input
      aria-label={`Card ${number} ${label}`}
      placeholder={placeholder}
      type={key === 'imageUrl' || key === 'defaultUrl' ? 'url' : 'text'}
      value={card[key]}
      disabled={disabled}
      onChange={(event) => onChange({ ...card, [key]: event.target.value })}
      className={`${field} min-w-0`}
    />
  );
  return (
    <li className="space-y-2 rounded-lg bg-slate-50 p-2">
      <div className="flex items-center justify-between">
        <span className="text-xs font-semibold text-slate-600">Card {number}</span>
        <button type="button" className={remove} onClick={onRemove} aria-label={`Remove card ${number}`}>
          Remove card
        </button>
      </div>
      <div className="grid grid-cols-2 gap-2 max-sm:grid-cols-1">
        {text('title', 'title', 'Title (up to 80 characters)')}
        {text('subtitle', 'subtitle', 'Subtitle (optional)')}
        {text('imageUrl', 'image URL', 'Image https://… (optional)')}
        {text('defaultUrl', 'link', 'Link when tapped https://… (optional)')}
      </div>
      {card.buttons.map((button, index) => {
        const label = `Card ${number} button ${index + 1}`;
        const update = (changed: Partial<ButtonDraft>) =>
          onChange({ ...card, buttons: replaceAt(card.buttons, index, { ...button, ...changed }) });
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, by position
          <div key={index} className="flex gap-2">
            <select
              aria-label={`${label} kind`}
              value={button.type}
              disabled={disabled}
              onChange={(event) => update({ type: event.target.value as ButtonDraft['type'] })}
              className={field}
            >
              <option value="web_url">Link</option>
              <option value="postback">Postback</option>
            </select>
            <input
              aria-label={`${label} title`}
              placeholder="Button title"
              value={button.title}
              disabled={disabled}
              onChange={(event) => update({ title: event.target.value })}
              className={`${field} min-w-0 flex-1`}
            />
            <input
              aria-label={button.type === 'web_url' ? `${label} URL` : `${label} payload`}
              placeholder={button.type === 'web_url' ? 'https://…' : 'Payload your app receives'}
              value={button.value}
              disabled={disabled}
              onChange={(event) => update({ value: event.target.value })}
              className={`${field} min-w-0 flex-1`}
            />
            <button
              type="button"
              className={remove}
              aria-label={`Remove ${label.toLowerCase()}`}
              onClick={() => onChange({ ...card, buttons: card.buttons.filter((_, i) => i !== index) })}
            >
              Remove
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className={small}
        disabled={disabled}
        onClick={() =>
          onChange({ ...card, buttons: [...card.buttons, { type: 'postback', title: '', value: '' }] })
        }
      >
        Add button ({card.buttons.length}/{MAX_BUTTONS})
      </button>
    </li>
  );
}

export function CardsFields({
  cards,
  onChange,
  disabled,
}: {
  cards: CardDraft[];
  onChange: (cards: CardDraft[]) => void;
  disabled: boolean;
}) {
  return (
    <>
      <p role="note" className="mt-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-800">
        Cards are not shown on Instagram on desktop: the customer sees them in the Instagram app on a phone.
      </p>
      <Panel label={`Cards (${cards.length}/${MAX_CARDS})`}>
        <ul className={clsx('space-y-2', cards.length === 0 && 'hidden')}>
          {cards.map((card, index) => (
            <CardFields
              // biome-ignore lint/suspicious/noArrayIndexKey: cards are edited in place, by position
              key={index}
              card={card}
              number={index + 1}
              disabled={disabled}
              onChange={(changed) => onChange(replaceAt(cards, index, changed))}
              onRemove={() => onChange(cards.filter((_, i) => i !== index))}
            />
          ))}
        </ul>
        <button
          type="button"
          className={small}
          disabled={disabled}
          onClick={() => onChange([...cards, newCard()])}
        >
          Add card
        </button>
      </Panel>
    </>
  );
}
