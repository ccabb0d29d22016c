// What an operator may send, checked against Meta's content limits (reference §5.2, §5.5) before
// anything is queued, so a reply Meta would refuse is refused at once with the reason. The rules
// live here and only here: `planParts` applies them to every reply, whichever door it came in by
// (tRPC, REST, a job), and its zod shapes are what the tRPC input is built from.
//
// A reply becomes one Send API call per part: its text (with any quick replies), then one
// attachment, several images (one call with `message.attachments`) or a generic template. Quick
// replies show only under the last message of the thread, so a text that carries them is sent
// after the attachment or the cards rather than before.
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { TemplateButton, TemplateElement } from '../meta/instagram-events.ts';
import { webUrl } from '../meta/web-url.ts';

export const MAX_TEXT_BYTES = 1000;
export const MAX_URL_LENGTH = 2048;
/** Quick replies under one text (text ones only: phone and email ones were disabled in Oct 2026). */
export const MAX_QUICK_REPLIES = 13;
export const MAX_QUICK_REPLY_TITLE = 20;
/** A quick reply's or a postback button's payload (Messenger's limit, which Instagram shares). */
export const MAX_PAYLOAD = 1000;
/** Images in one message (multi-image sends, generally available since May 2026). */
export const MAX_IMAGES = 10;
/** Cards in one generic template (a carousel). */
export const MAX_CARDS = 10;
export const MAX_CARD_TEXT = 80;
export const MAX_CARD_BUTTONS = 3;
export const MAX_BUTTON_TITLE = 20;
const MB = 1024 * 1024;

export type AttachmentType = 'image' | 'video' | 'audio' | 'file';

/** Formats and sizes Meta accepts per attachment type. */
export const ATTACHMENT_RULES: Record<
  AttachmentType,
  { extensions: string[]; mimeTypes: string[]; maxBytes: number }
> = {
  image: {
    extensions: ['png', 'jpg', 'jpeg', 'gif'],
    mimeTypes: ['image/png', 'image/jpeg', 'image/gif'],
    maxBytes: 8 * MB,
  },
  video: {
    extensions: ['mp4', 'ogg', 'avi', 'mov', 'webm'],
    mimeTypes: ['video/mp4', 'video/ogg', 'video/x-msvideo', 'video/avi', 'video/quicktime', 'video/webm'],
    maxBytes: 25 * MB,
  },
  audio: {
    extensions: ['aac', 'm4a', 'wav', 'mp4'],
    mimeTypes: [
      'audio/aac',
      'audio/mp4',
      'audio/x-m4a',
      'audio/m4a',
      'audio/wav',
      'audio/x-wav',
      'audio/vnd.wave',
    ],
    maxBytes: 25 * MB,
  },
  file: { extensions: ['pdf'], mimeTypes: ['application/pdf'], maxBytes: 25 * MB },
};

export const AttachmentTypeSchema = z.enum(['image', 'video', 'audio', 'file']);

// The shapes of rich content as clients send it. They say what each field is; the limits are
// checked by planParts, once, with messages that name the field and the limit.
export const AttachmentInput = z.object({ url: z.string().max(4096), type: AttachmentTypeSchema.optional() });
export const QuickReplyInput = z.object({
  title: z.string().max(1000),
  /** What the app receives when the customer taps it; the title when left out. */
  payload: z.string().max(4000).optional(),
});
export const CardButtonInput = z.object({
  type: z.enum(['web_url', 'postback'], { error: 'A button is a link (web_url) or a postback' }),
  title: z.string().max(1000),
  /** web_url: the https link it opens. */
  url: z.string().max(4096).optional(),
  /** postback: what the app receives when the customer taps it. */
  payload: z.string().max(4000).optional(),
});
export const CardInput = z.object({
  title: z.string().max(1000),
  subtitle: z.string().max(1000).optional(),
  /** The card's picture (https). */
  imageUrl: z.string().max(4096).optional(),
  /** Where tapping the card itself leads (https): its default action. */
  defaultUrl: z.string().max(4096).optional(),
  buttons: z.array(CardButtonInput).max(50).optional(),
});
/** A generic template: one card, or a carousel the customer swipes through. */
export const TemplateInput = z.object({ elements: z.array(CardInput).max(50) });

export type QuickReply = { title: string; payload: string };

export type OutboundPart =
  | { kind: 'text'; text: string; quickReplies: QuickReply[] | null }
  | { kind: 'attachment'; type: AttachmentType; url: string }
  | { kind: 'images'; urls: string[] }
  | { kind: 'template'; elements: TemplateElement[] };

export interface OutboundContent {
  text?: string;
  attachment?: z.input<typeof AttachmentInput>;
  /** Several attachments: images only (one Send API call); a single one may be any type. */
  attachments?: z.input<typeof AttachmentInput>[];
  quickReplies?: z.input<typeof QuickReplyInput>[];
  template?: z.input<typeof TemplateInput>;
}

export function textBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Characters as Instagram counts them (code points: an emoji is one). */
const characters = (text: string) => [...text].length;

function extensionOf(url: URL): string | undefined {
  return /\.([a-z0-9]+)$/i.exec(url.pathname)?.[1]?.toLowerCase();
}

/** The attachment type a URL's file extension names; `mp4` reads as video unless told otherwise. */
function typeFromExtension(url: URL): AttachmentType | undefined {
  const extension = extensionOf(url);
  if (!extension) return undefined;
  return (Object.keys(ATTACHMENT_RULES) as AttachmentType[]).find((type) =>
    ATTACHMENT_RULES[type].extensions.includes(extension),
  );
}

/**
 * Why a link cannot go to Instagram (or to an operator's browser): Meta fetches only https, and
 * credentials in a link would be handed to everyone who sees the message. `what` names it.
 */
function linkProblem(raw: string, what: string): { problem: string } | { url: URL } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: `${what} is not a valid URL` };
  }
  if (url.protocol !== 'https:') return { problem: `${what} must use https` };
  if (url.username || url.password) return { problem: `${what} must not contain a user name or password` };
  if (raw.length > MAX_URL_LENGTH) return { problem: `${what} is longer than ${MAX_URL_LENGTH} characters` };
  // What is stored is what a browser will be given: it must pass the web-link rule as well.
  if (webUrl(url.toString()) === null) return { problem: `${what} is not a web link` };
  return { url };
}

/** One attachment by URL: its type named or read from the extension, and one Meta accepts. */
function checkedAttachment(
  input: z.input<typeof AttachmentInput>,
  what = 'The attachment URL',
): { type: AttachmentType; url: string } {
  const link = linkProblem(input.url, what);
  if ('problem' in link) throw new AppError('BAD_INPUT', link.problem);
  const { url } = link;
  const type = input.type ?? typeFromExtension(url);
  if (!type) {
    throw new AppError(
      'BAD_INPUT',
      'Cannot tell the attachment type from the URL: say whether it is an image, video, audio or file',
    );
  }
  const extension = extensionOf(url);
  const rule = ATTACHMENT_RULES[type];
  if (input.type && extension && typeFromExtension(url) && !rule.extensions.includes(extension)) {
    throw new AppError(
      'BAD_INPUT',
      `A .${extension} file cannot be sent as ${type}; Instagram accepts ${rule.extensions.join(', ')}`,
    );
  }
  return { type, url: url.toString() };
}

export function attachmentPart(input: z.input<typeof AttachmentInput>): OutboundPart {
  return { kind: 'attachment', ...checkedAttachment(input) };
}

/** Collects every problem of a reply, so the operator fixes them in one go. */
class Problems {
  readonly list: string[] = [];
  add(problem: string) {
    this.list.push(problem);
  }
  /** `text` trimmed, when present and within `max` characters; a problem otherwise. */
  text(value: string | undefined, what: string, max: number, required: boolean): string | null {
    const trimmed = value?.trim() ?? '';
    if (trimmed === '') {
      if (required) this.add(`${what} is required`);
      return null;
    }
    const length = characters(trimmed);
    if (length > max) this.add(`${what} is ${length} characters long; Instagram allows at most ${max}`);
    return trimmed;
  }
  link(value: string | undefined, what: string): string | null {
    if (value === undefined || value.trim() === '') return null;
    const link = linkProblem(value.trim(), what);
    if ('problem' in link) {
      this.add(link.problem);
      return null;
    }
    return link.url.toString();
  }
  /** Throws them all as one refusal. */
  check() {
    if (this.list.length > 0) throw new AppError('BAD_INPUT', this.list.join('; '));
  }
}

function quickReplies(input: z.input<typeof QuickReplyInput>[], problems: Problems): QuickReply[] {
  if (input.length > MAX_QUICK_REPLIES) {
    problems.add(
      `A message can offer at most ${MAX_QUICK_REPLIES} quick replies; this one has ${input.length}`,
    );
  }
  return input.map((reply, index) => {
    const what = `Quick reply ${index + 1}`;
    const title = problems.text(reply.title, `${what}: the title`, MAX_QUICK_REPLY_TITLE, true) ?? '';
    // A payload left out is the title: the app then receives what the customer tapped.
    const payload = reply.payload?.trim() ? reply.payload : title;
    const length = characters(payload);
    if (length > MAX_PAYLOAD) {
      problems.add(
        `${what}: the payload is ${length} characters long; Instagram allows at most ${MAX_PAYLOAD}`,
      );
    }
    return { title, payload };
  });
}

function cardButton(
  input: z.input<typeof CardButtonInput>,
  what: string,
  problems: Problems,
): TemplateButton {
  const title = problems.text(input.title, `${what}: the title`, MAX_BUTTON_TITLE, true);
  if (input.type === 'web_url') {
    if (!input.url?.trim()) problems.add(`${what}: a link button needs its https URL`);
    const url = problems.link(input.url, `${what}: the URL`);
    return { type: 'web_url', title, url, payload: null };
  }
  const payload = input.payload?.trim() ? input.payload : null;
  if (payload === null) problems.add(`${what}: a postback button needs a payload`);
  else if (characters(payload) > MAX_PAYLOAD) {
    problems.add(
      `${what}: the payload is ${characters(payload)} characters long; Instagram allows at most ${MAX_PAYLOAD}`,
    );
  }
  return { type: 'postback', title, url: null, payload };
}

function templateCards(input: z.input<typeof TemplateInput>, problems: Problems): TemplateElement[] {
  if (input.elements.length === 0) problems.add('A template needs at least one card');
  if (input.elements.length > MAX_CARDS) {
    problems.add(`A template can hold at most ${MAX_CARDS} cards; this one has ${input.elements.length}`);
  }
  return input.elements.map((card, index) => {
    const what = `Card ${index + 1}`;
    const buttons = card.buttons ?? [];
    if (buttons.length > MAX_CARD_BUTTONS) {
      problems.add(`${what} can have at most ${MAX_CARD_BUTTONS} buttons; it has ${buttons.length}`);
    }
    return {
      title: problems.text(card.title, `${what}: the title`, MAX_CARD_TEXT, true),
      subtitle: problems.text(card.subtitle, `${what}: the subtitle`, MAX_CARD_TEXT, false),
      imageUrl: problems.link(card.imageUrl, `${what}: the image URL`),
      url: problems.link(card.defaultUrl, `${what}: the link`),
      buttons: buttons.map((button, b) => cardButton(button, `${what}, button ${b + 1}`, problems)),
    };
  });
}

/** Several images in one call: each an image by an https link. */
function imageUrls(input: z.input<typeof AttachmentInput>[], problems: Problems): string[] {
  if (input.length > MAX_IMAGES) {
    problems.add(`At most ${MAX_IMAGES} images can be sent in one message; this one has ${input.length}`);
  }
  return input.flatMap((image, index) => {
    const what = `Image ${index + 1}`;
    try {
      const checked = checkedAttachment({ url: image.url, type: image.type ?? 'image' }, `${what}: the URL`);
      if (checked.type !== 'image') {
        problems.add(`${what}: only images can be sent several at once; send the ${checked.type} on its own`);
        return [];
      }
      return [checked.url];
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.add(error.message.startsWith(what) ? error.message : `${what}: ${error.message}`);
      return [];
    }
  });
}

/** The Send API calls a reply takes, in order; refuses empty, oversized or unsupported content. */
export function planParts(content: OutboundContent): OutboundPart[] {
  const problems = new Problems();
  const text = content.text?.trim() ? content.text : undefined;
  if (text !== undefined) {
    const bytes = textBytes(text);
    if (bytes > MAX_TEXT_BYTES) {
      problems.add(
        `The message is ${bytes} bytes long; Instagram accepts at most ${MAX_TEXT_BYTES} bytes (UTF-8)`,
      );
    }
  }
  const attachments = content.attachments?.length ? content.attachments : undefined;
  const bodies = [content.attachment, attachments, content.template].filter((b) => b !== undefined);
  if (bodies.length > 1) {
    problems.add('Send one attachment, several images or a template at a time, not more than one of them');
  }
  const replies = content.quickReplies?.length ? quickReplies(content.quickReplies, problems) : null;
  if (replies && text === undefined)
    problems.add('Quick replies go under a text: write the message they answer');

  let body: OutboundPart | undefined;
  const single = content.attachment ?? (attachments?.length === 1 ? attachments[0] : undefined);
  if (single) {
    try {
      body = attachmentPart(single);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.add(error.message);
    }
  } else if (attachments) body = { kind: 'images', urls: imageUrls(attachments, problems) };
  else if (content.template) body = { kind: 'template', elements: templateCards(content.template, problems) };
  problems.check();

  const textPart: OutboundPart | undefined =
    text === undefined ? undefined : { kind: 'text', text, quickReplies: replies };
  // Quick replies show only under the thread's last message: their text goes last.
  const parts = (replies ? [body, textPart] : [textPart, body]).filter(
    (part): part is OutboundPart => part !== undefined,
  );
  if (parts.length === 0) throw new AppError('BAD_INPUT', 'Write a message or attach a file');
  return parts;
}

/** The kind a part is stored as (conversation_messages.kind). */
export function partKind(part: OutboundPart): string {
  switch (part.kind) {
    case 'text':
      return 'text';
    case 'attachment':
      return part.type;
    case 'images':
      return 'image';
    case 'template':
      return 'template';
  }
}
