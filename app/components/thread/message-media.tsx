// The media of a message, shown from Meta's CDN (we keep links, never copies). A link that has
// died shows a placeholder instead of a broken picture; story media past its day is never
// requested at all (the server marks it expired).
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
import type { ThreadMessage } from './thread-types.ts';

type Attachment = ThreadMessage['attachments'][number];

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

export function MessageAttachment({ attachment }: { attachment: Attachment }) {
  const { url } = attachment;
  switch (attachment.kind) {
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
      return <Placeholder icon={<PaperclipIcon />}>{attachment.title ?? 'A template message'}</Placeholder>;
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
