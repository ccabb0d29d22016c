// What a Send API `message` may hold, checked as Meta checks it (reference §5.2, §5.5 and the
// quick-reply, generic- and button-template pages): text of at most 1000 UTF-8 bytes; one
// attachment (image, video, audio, a PDF file, or a generic or button template) by https URL or
// `attachment_id`; or `attachments`, up to 10 images; and text-only quick replies. Every refusal is
// code 100 with a message naming the parameter, and a subcode where §5.7 lists one (2018008 for a
// URL Meta cannot fetch, 2018047 for a file that is not what its type says, 2018074 for a bad
// attachment_id).
//
// Choices where Meta is silent: a file must be a PDF, known by the URL's path ending in `.pdf`
// (the simulator fetches nothing, so it cannot ask the server for the content type); an
// `attachment_id` is any decimal id (the simulator has no upload API to check it against) and
// reaches the customer as a fresh URL on its CDN; a quick reply's title longer than 20 characters
// is accepted and shown cut to 20 ("will be truncated"), and a payload may be at most 1000
// characters, Messenger's limit.
import { GraphError, invalidParameter } from './graph-errors.ts';

export const MAX_TEXT_BYTES = 1000;
export const MAX_IMAGES = 10;
export const MAX_QUICK_REPLIES = 13;
/** Instagram shows a quick reply's first 20 characters. */
export const QUICK_REPLY_TITLE_SHOWN = 20;
export const MAX_PAYLOAD = 1000;
export const MAX_ELEMENTS = 10;
export const MAX_ELEMENT_TEXT = 80;
export const MAX_BUTTONS = 3;
export const MAX_BUTTON_TITLE = 20;
/** Messenger's limit for a button template's text. */
export const MAX_BUTTON_TEMPLATE_TEXT = 640;

const MEDIA_TYPES = ['image', 'video', 'audio', 'file'] as const;
const ATTACHMENT_TYPES = [...MEDIA_TYPES, 'template'] as const;
/** Disabled for Instagram on Oct 5 2026 (§5.2); only text quick replies remain. */
const RETIRED_QUICK_REPLY_TYPES = ['user_phone_number', 'user_email'];

export type MediaType = (typeof MEDIA_TYPES)[number];

export interface QuickReply {
  title: string;
  payload: string;
}

export type TemplateButton =
  | { type: 'web_url'; title: string; url: string }
  | { type: 'postback'; title: string; payload: string };

export interface TemplateElement {
  title: string;
  subtitle?: string;
  image_url?: string;
  default_action?: { type: 'web_url'; url: string };
  buttons?: TemplateButton[];
}

export type Template =
  | { templateType: 'generic'; elements: TemplateElement[] }
  | { templateType: 'button'; text: string; buttons: TemplateButton[] };

export interface MediaAttachment {
  type: MediaType;
  /** What the customer receives: the URL sent, or a CDN URL for an `attachment_id`. */
  url: string;
  attachmentId: string | null;
}

/** A message the Send API accepted, as it reaches the customer. */
export interface OutgoingMessage {
  text: string | null;
  media: MediaAttachment[];
  template: Template | null;
  quickReplies: QuickReply[] | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isHttps = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
};

const cannotFetch = () =>
  new GraphError({ code: 100, subcode: 2018008, message: '(#100) Failed to fetch the file from the url' });

function requiredText(value: unknown, name: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidParameter(`param ${name} is required`);
  if ([...value].length > max) throw invalidParameter(`param ${name} must be at most ${max} characters`);
  return value;
}

function optionalText(value: unknown, name: string, max: number): string | undefined {
  return value === undefined ? undefined : requiredText(value, name, max);
}

function httpsUrl(value: unknown, name: string): string {
  if (!isHttps(value)) throw invalidParameter(`param ${name} must be an https URL`);
  return value;
}

function button(value: unknown, name: string): TemplateButton {
  if (!isRecord(value)) throw invalidParameter(`param ${name} must be an object`);
  const title = requiredText(value.title, `${name}[title]`, MAX_BUTTON_TITLE);
  if (value.type === 'web_url') return { type: 'web_url', title, url: httpsUrl(value.url, `${name}[url]`) };
  if (value.type === 'postback')
    return { type: 'postback', title, payload: requiredText(value.payload, `${name}[payload]`, MAX_PAYLOAD) };
  throw invalidParameter(`param ${name}[type] must be one of {web_url, postback}`);
}

function buttons(value: unknown, name: string, required: boolean): TemplateButton[] | undefined {
  if (value === undefined && !required) return undefined;
  if (!Array.isArray(value) || value.length === 0)
    throw invalidParameter(`param ${name} must be a non-empty array`);
  if (value.length > MAX_BUTTONS)
    throw invalidParameter(`param ${name} must have at most ${MAX_BUTTONS} buttons`);
  return value.map((item, index) => button(item, `${name}[${index}]`));
}

function element(value: unknown, name: string): TemplateElement {
  if (!isRecord(value)) throw invalidParameter(`param ${name} must be an object`);
  const subtitle = optionalText(value.subtitle, `${name}[subtitle]`, MAX_ELEMENT_TEXT);
  const imageUrl =
    value.image_url === undefined ? undefined : httpsUrl(value.image_url, `${name}[image_url]`);
  let defaultAction: TemplateElement['default_action'];
  if (value.default_action !== undefined) {
    const action = value.default_action;
    if (!isRecord(action) || action.type !== 'web_url')
      throw invalidParameter(`param ${name}[default_action][type] must be web_url`);
    defaultAction = { type: 'web_url', url: httpsUrl(action.url, `${name}[default_action][url]`) };
  }
  const elementButtons = buttons(value.buttons, `${name}[buttons]`, false);
  return {
    title: requiredText(value.title, `${name}[title]`, MAX_ELEMENT_TEXT),
    ...(subtitle === undefined ? {} : { subtitle }),
    ...(imageUrl === undefined ? {} : { image_url: imageUrl }),
    ...(defaultAction === undefined ? {} : { default_action: defaultAction }),
    ...(elementButtons === undefined ? {} : { buttons: elementButtons }),
  };
}

function template(payload: unknown): Template {
  const name = 'message[attachment][payload]';
  if (!isRecord(payload)) throw invalidParameter(`param ${name} is required`);
  if (payload.template_type === 'generic') {
    const { elements } = payload;
    if (!Array.isArray(elements) || elements.length === 0)
      throw invalidParameter(`param ${name}[elements] must be a non-empty array`);
    if (elements.length > MAX_ELEMENTS)
      throw invalidParameter(`param ${name}[elements] must have at most ${MAX_ELEMENTS} elements`);
    return {
      templateType: 'generic',
      elements: elements.map((item, index) => element(item, `${name}[elements][${index}]`)),
    };
  }
  if (payload.template_type === 'button') {
    return {
      templateType: 'button',
      text: requiredText(payload.text, `${name}[text]`, MAX_BUTTON_TEMPLATE_TEXT),
      buttons: buttons(payload.buttons, `${name}[buttons]`, true) as TemplateButton[],
    };
  }
  throw invalidParameter(`param ${name}[template_type] must be one of {generic, button}`);
}

/** An image, video, audio or file by URL or attachment_id. */
function mediaAttachment(type: MediaType, payload: unknown, cdnUrl: () => string): MediaAttachment {
  const { url, attachment_id: attachmentId } = isRecord(payload) ? payload : {};
  if (attachmentId !== undefined) {
    if (
      (typeof attachmentId !== 'string' && typeof attachmentId !== 'number') ||
      !/^\d+$/.test(String(attachmentId))
    )
      throw new GraphError({ code: 100, subcode: 2018074, message: '(#100) The attachment_id is not valid' });
    return { type, url: cdnUrl(), attachmentId: String(attachmentId) };
  }
  if (!isHttps(url)) throw cannotFetch();
  if (type === 'file' && !new URL(url).pathname.toLowerCase().endsWith('.pdf')) {
    throw new GraphError({
      code: 100,
      subcode: 2018047,
      message: '(#100) Attachment type mismatch: Instagram sends PDF files only',
    });
  }
  return { type, url, attachmentId: null };
}

function quickReplies(value: unknown): QuickReply[] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalidParameter('param message[quick_replies] must be a non-empty array');
  if (value.length > MAX_QUICK_REPLIES)
    throw invalidParameter(`param message[quick_replies] must have at most ${MAX_QUICK_REPLIES} elements`);
  return value.map((item, index) => {
    const name = `message[quick_replies][${index}]`;
    if (!isRecord(item)) throw invalidParameter(`param ${name} must be an object`);
    const type = item.content_type;
    if (typeof type === 'string' && RETIRED_QUICK_REPLY_TYPES.includes(type))
      throw invalidParameter(
        `param ${name}[content_type] ${type} is no longer supported on Instagram (since Oct 5 2026)`,
      );
    if (type !== 'text') throw invalidParameter(`param ${name}[content_type] must be text`);
    if (typeof item.title !== 'string' || item.title.trim() === '')
      throw invalidParameter(`param ${name}[title] is required`);
    return { title: item.title, payload: requiredText(item.payload, `${name}[payload]`, MAX_PAYLOAD) };
  });
}

/** The Send API's `message` parameter, checked; `cdnUrl` gives the URL an attachment_id reaches the customer as. */
export function parseOutgoingMessage(
  message: Record<string, unknown>,
  cdnUrl: () => string,
): OutgoingMessage {
  const text = typeof message.text === 'string' && message.text !== '' ? message.text : null;
  if (text !== null && Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES)
    throw invalidParameter(`Length of param message[text] must be less than or equal to ${MAX_TEXT_BYTES}`);
  if (message.attachment !== undefined && message.attachments !== undefined)
    throw invalidParameter('param message must have attachment or attachments, not both');

  const out: OutgoingMessage = { text, media: [], template: null, quickReplies: null };
  if (message.attachment !== undefined) {
    const { attachment } = message;
    const type = isRecord(attachment) ? attachment.type : undefined;
    if (!(ATTACHMENT_TYPES as readonly unknown[]).includes(type))
      throw invalidParameter(
        `param message[attachment][type] must be one of {${ATTACHMENT_TYPES.join(', ')}}`,
      );
    const payload = (attachment as Record<string, unknown>).payload;
    if (type === 'template') out.template = template(payload);
    else out.media.push(mediaAttachment(type as MediaType, payload, cdnUrl));
  }
  if (message.attachments !== undefined) {
    const list = message.attachments;
    if (!Array.isArray(list) || list.length === 0)
      throw invalidParameter('param message[attachments] must be a non-empty array');
    if (list.length > MAX_IMAGES)
      throw invalidParameter(`param message[attachments] must have at most ${MAX_IMAGES} images`);
    for (const [index, item] of list.entries()) {
      if (!isRecord(item) || item.type !== 'image')
        throw invalidParameter(
          `param message[attachments][${index}][type] must be image: only images can be sent several at once`,
        );
      out.media.push(mediaAttachment('image', item.payload, cdnUrl));
    }
  }
  if (message.quick_replies !== undefined) {
    if (text === null) throw invalidParameter('param message[text] is required with quick_replies');
    out.quickReplies = quickReplies(message.quick_replies);
  }
  if (text === null && out.media.length === 0 && !out.template)
    throw invalidParameter('param message must have text or an attachment');
  return out;
}
