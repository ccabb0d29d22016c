// What an operator may send, checked against Meta's content limits (reference §5.5) before
// anything is queued, so a reply Meta would refuse is refused at once with the reason. A reply
// with text and an attachment becomes two Send API calls: the text first, then the attachment.
import { AppError } from '../errors.ts';

export const MAX_TEXT_BYTES = 1000;
const MAX_URL_LENGTH = 2048;
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

export type OutboundPart =
  | { kind: 'text'; text: string }
  | { kind: 'attachment'; type: AttachmentType; url: string };

export interface OutboundContent {
  text?: string;
  attachment?: { url: string; type?: AttachmentType };
}

export function textBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

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

export function attachmentPart(input: { url: string; type?: AttachmentType }): OutboundPart {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new AppError('BAD_INPUT', 'The attachment URL is not a valid URL');
  }
  if (url.protocol !== 'https:') throw new AppError('BAD_INPUT', 'The attachment URL must use https');
  if (url.username || url.password) {
    throw new AppError('BAD_INPUT', 'The attachment URL must not contain a user name or password');
  }
  if (input.url.length > MAX_URL_LENGTH) {
    throw new AppError('BAD_INPUT', `The attachment URL is longer than ${MAX_URL_LENGTH} characters`);
  }
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
  return { kind: 'attachment', type, url: url.toString() };
}

/** The Send API calls a reply takes, in order; refuses empty, oversized or unsupported content. */
export function planParts(content: OutboundContent): OutboundPart[] {
  const parts: OutboundPart[] = [];
  const text = content.text?.trim() ? content.text : undefined;
  if (text !== undefined) {
    const bytes = textBytes(text);
    if (bytes > MAX_TEXT_BYTES) {
      throw new AppError(
        'BAD_INPUT',
        `The message is ${bytes} bytes long; Instagram accepts at most ${MAX_TEXT_BYTES} bytes (UTF-8)`,
      );
    }
    parts.push({ kind: 'text', text });
  }
  if (content.attachment) parts.push(attachmentPart(content.attachment));
  if (parts.length === 0) throw new AppError('BAD_INPUT', 'Write a message or attach a file');
  return parts;
}
