// The media of a message, shown from Meta's CDN (we keep links, never copies). A link that has
// died shows a placeholder instead of a broken picture; story media past its day is never
// requested at all (the server marks it expired). Hearts, stickers and the cards of a template the
// business sent are drawn the way Instagram draws them, so the operator reads the thread as the
// customer did.
import clsx from 'clsx';
import { type ReactNode, useState } from 'react';
import {
  MicrophoneIcon,
  PaperclipIcon,
  PictureIcon,
  QuestionIcon,
  TimerIcon,
  VideoIcon,
} from './media-icons.tsx';
import type { ThreadAttachment as Attachment, TemplateCard, ThreadMessage } from './thread-types.ts';

const frame = 'block max-w-xs overflow-hidden rounded-xl bg-slate-100';

export function Placeholder({ icon, children }: { icon: ReactNode; children: ReactNode }) {
  return (
    <span
      className="flex max-w-xs items-center gap-2 rounded-xl border border-dashed border-slate-300 bg-slate-50 px-3 py-2.5 text-xs text-slate-500"
      data-testid="media-placeholder"
    >
      {icon}
      <span>{children}</span>
    </span>
  );
}

/** A picture that falls back to a placeholder when Meta's link no longer answers. */
function Picture({ url, alt, className }: { url: string; alt: string; className?: string }) {
  const [broken, setBroken] = useState(false);
  if (broken)
    return (
      <Placeholder icon={<PictureIcon />}>This picture is no longer available from Instagram.</Placeholder>
    );
  return (
    <a href={url} target="_blank" rel="noreferrer" className={frame}>
      <img
        src={url}
        alt={alt}
        loading="lazy"
        onError={() => setBroken(true)}
        className={clsx('max-h-72 w-full object-cover', className)}
      />
    </a>
  );
}

function ExternalLink({ url, children }: { url: string; children: ReactNode }) {
  return (
    <a
      href={url}
      target="_blank"
      rel="noreferrer"
      className="font-medium text-brand-700 underline-offset-2 hover:underline"
    >
      {children}
    </a>
  );
}

function SharedCard({ label, attachment }: { label: string; attachment: Attachment }) {
  return (
    <span className="block max-w-xs overflow-hidden rounded-xl border border-slate-200 bg-white text-slate-800">
      {attachment.url && attachment.kind !== 'ig_reel' ? (
        <Picture url={attachment.url} alt={attachment.title ?? label} className="rounded-none" />
      ) : null}
      <span className="block px-3 py-2 text-xs">
        <span className="block font-semibold text-slate-500">{label}</span>
        {attachment.title ? <span className="mt-0.5 block text-sm">{attachment.title}</span> : null}
        {attachment.url ? (
          <span className="mt-1 block">
            <ExternalLink url={attachment.url}>Open on Instagram</ExternalLink>
          </span>
        ) : null}
      </span>
    </span>
  );
}

function Story({ label, url, expired }: { label: string; url: string | null; expired: boolean }) {
  return (
    <span className="block space-y-1">
      <span className="block text-xs font-medium text-slate-500">{label}</span>
      {url ? (
        <Picture url={url} alt={label} className="max-h-56" />
      ) : (
        <Placeholder icon={<TimerIcon />}>
          {expired ? 'Story expired: Instagram removes stories after 24 hours.' : 'Story unavailable.'}
        </Placeholder>
      )}
    </span>
  );
}

/**
 * Instagram's heart sticker: one big red heart, no picture to load. Drawn rather than an emoji, so
 * it is red on machines without a colour emoji font too.
 */
function Heart() {
  return (
    <svg role="img" aria-label="Heart" viewBox="0 0 24 24" className="h-12 w-12 fill-rose-500">
      <path d="M12 20.5C6 16.2 3 12.9 3 9.3 3 6.6 5.1 4.5 7.7 4.5c1.7 0 3.3.9 4.3 2.3 1-1.4 2.6-2.3 4.3-2.3 2.6 0 4.7 2.1 4.7 4.8 0 3.6-3 6.9-9 11.2z" />
    </svg>
  );
}

/** A sticker stands on its own in Instagram: no frame, and nothing bigger to open. */
function Sticker({ url }: { url: string | null }) {
  const [broken, setBroken] = useState(false);
  if (!url || broken) return <Placeholder icon={<PictureIcon />}>Sticker</Placeholder>;
  return (
    <img
      src={url}
      alt="Sticker"
      loading="lazy"
      onError={() => setBroken(true)}
      className="h-28 w-28 object-contain"
    />
  );
}

/**
 * A button of a card as the customer saw it. A link can be followed here too; a postback only told
 * the business's app which button was tapped, so it is shown as a chip that cannot be pressed.
 */
function CardButton({ button }: { button: TemplateCard['buttons'][number] }) {
  const look = 'block rounded-lg px-2 py-1 text-center text-xs font-medium';
  const label = button.title ?? 'Button';
  if (button.type === 'web_url' && button.url) {
    return (
      <a
        href={button.url}
        target="_blank"
        rel="noreferrer"
        className={clsx(look, 'text-brand-700 ring-1 ring-slate-200 hover:bg-slate-50')}
      >
        {label}
      </a>
    );
  }
  return (
    <span
      className={clsx(look, 'bg-slate-100 text-slate-500')}
      title={button.payload ? `Tapping it sends “${button.payload}” to your app` : undefined}
    >
      {label}
    </span>
  );
}

function Card({ card }: { card: TemplateCard }) {
  return (
    <>
      {card.imageUrl ? (
        <Picture url={card.imageUrl} alt={card.title ?? 'Card'} className="h-32 rounded-none" />
      ) : null}
      <span className="block px-3 py-2">
        {card.title ? (
          <span className="block text-sm font-semibold">
            {card.url ? <ExternalLink url={card.url}>{card.title}</ExternalLink> : card.title}
          </span>
        ) : null}
        {card.subtitle ? <span className="mt-0.5 block text-xs text-slate-500">{card.subtitle}</span> : null}
      </span>
      {card.buttons.length > 0 ? (
        <span className="flex flex-col gap-1 border-t border-slate-100 p-2">
          {card.buttons.map((button, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a card's buttons never reorder
            <CardButton key={index} button={button} />
          ))}
        </span>
      ) : null}
    </>
  );
}

const cardFrame =
  'w-56 shrink-0 snap-start overflow-hidden rounded-xl border border-slate-200 bg-white text-left text-slate-800';

/** A generic template's cards, side by side as the customer swipes through them. */
function TemplateCards({ cards }: { cards: TemplateCard[] }) {
  return (
    <ul
      aria-label="Template cards"
      className="flex max-w-full snap-x items-start gap-2 overflow-x-auto pb-1"
      data-scrolls-sideways
    >
      {cards.map((card, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a template's cards never reorder
        <li key={index} className={cardFrame}>
          <Card card={card} />
        </li>
      ))}
    </ul>
  );
}

export function MessageAttachment({ attachment }: { attachment: Attachment }) {
  const { url } = attachment;
  // Meta sends most stickers as images that carry a sticker id.
  if (attachment.sticker) return <Sticker url={url} />;
  switch (attachment.kind) {
    case 'like_heart':
      return <Heart />;
    case 'image':
      return url ? (
        <Picture url={url} alt="Photo" />
      ) : (
        <Placeholder icon={<PictureIcon />}>Photo</Placeholder>
      );
    case 'video':
      return url ? (
        // preload="none": a long thread must not download every video on screen.
        // biome-ignore lint/a11y/useMediaCaption: customers' videos come without captions
        <video src={url} controls preload="none" className={clsx(frame, 'max-h-72')} aria-label="Video" />
      ) : (
        <Placeholder icon={<VideoIcon />}>Video</Placeholder>
      );
    case 'audio':
      return url ? (
        // biome-ignore lint/a11y/useMediaCaption: voice messages come without captions
        <audio src={url} controls preload="none" className="max-w-xs" aria-label="Voice message" />
      ) : (
        <Placeholder icon={<MicrophoneIcon />}>Voice message</Placeholder>
      );
    case 'file':
      return url ? (
        <span className="flex max-w-xs items-center gap-2 rounded-xl border border-slate-200 bg-white px-3 py-2 text-xs text-slate-700">
          <PaperclipIcon />
          <ExternalLink url={url}>{attachment.title ?? 'Download file'}</ExternalLink>
        </span>
      ) : (
        <Placeholder icon={<PaperclipIcon />}>File</Placeholder>
      );
    case 'share':
    case 'ig_post':
      return <SharedCard label="Shared a post" attachment={attachment} />;
    case 'ig_reel':
      return <SharedCard label="Shared a reel" attachment={attachment} />;
    case 'story_mention':
      return <Story label="Mentioned you in their story" url={url} expired={attachment.expired} />;
    case 'ig_story':
      return <Story label="Shared a story" url={url} expired={attachment.expired} />;
    case 'ephemeral':
      return (
        <Placeholder icon={<TimerIcon />}>
          A disappearing photo: it can only be viewed in the Instagram app.
        </Placeholder>
      );
    case 'template':
      return attachment.elements?.length ? (
        <TemplateCards cards={attachment.elements} />
      ) : (
        <Placeholder icon={<PaperclipIcon />}>{attachment.title ?? 'A template message'}</Placeholder>
      );
    default:
      return (
        <Placeholder icon={<QuestionIcon />}>
          {url ? <ExternalLink url={url}>Attachment ({attachment.kind})</ExternalLink> : attachment.kind}
        </Placeholder>
      );
  }
}

export function StoryReply({ story }: { story: NonNullable<ThreadMessage['storyReply']> }) {
  return <Story label="Replied to your story" url={story.url} expired={story.expired} />;
}
