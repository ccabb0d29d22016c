// Removes a message's words and media from a stored webhook body, in place: what the customer
// unsent (or replaced by an edit) must not stay readable in the raw ledger. The body keeps its
// shape, so replaying it still yields the same events, only without the redacted content.
import type { InstagramEvent } from './instagram-events.ts';

export interface RedactionScope {
  mid: string;
  /** Unsent: the text, every edit and the media go. */
  unsent: boolean;
  /** Edits up to this number are superseded (0: none); the latest edit keeps its text. */
  latestEdit: number;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** The items of an entry that can carry a message: messaging, standby, and `messages` changes. */
function itemsOf(entry: Json): Json[] {
  const items = [entry.messaging, entry.standby].flatMap((list) => (Array.isArray(list) ? list : []));
  const changes = Array.isArray(entry.changes) ? entry.changes : [entry];
  for (const change of changes) {
    if (isObject(change) && change.field === 'messages' && isObject(change.value)) items.push(change.value);
  }
  return items.filter(isObject);
}

/** True when something was removed. */
function redactItem(item: Json, scope: RedactionScope): boolean {
  let changed = false;
  const drop = (holder: Json, key: string) => {
    if (key in holder) {
      delete holder[key];
      changed = true;
    }
  };
  const message = item.message;
  if (isObject(message) && message.mid === scope.mid && (scope.unsent || scope.latestEdit > 0)) {
    drop(message, 'text');
    if (scope.unsent) {
      drop(message, 'attachments');
      const replyTo = message.reply_to;
      if (isObject(replyTo) && isObject(replyTo.story)) drop(replyTo.story, 'url');
    }
  }
  const edit = item.message_edit;
  if (
    isObject(edit) &&
    edit.mid === scope.mid &&
    (scope.unsent || Number(edit.num_edit ?? 1) < scope.latestEdit)
  ) {
    drop(edit, 'text');
  }
  return changed;
}

/**
 * A message of a conversation fetched from the Conversations API (stored like a delivery): its
 * words and media under Graph's names. History holds the text as it stood when fetched, which an
 * edit since may have replaced: after any edit it goes (the message row keeps the latest).
 */
function redactHistoryNode(entry: Json, scope: RedactionScope): boolean {
  const conversation = entry.conversation;
  const messages =
    isObject(conversation) && isObject(conversation.messages) ? conversation.messages.data : null;
  let changed = false;
  for (const node of Array.isArray(messages) ? messages.filter(isObject) : []) {
    if (node.id !== scope.mid || !(scope.unsent || scope.latestEdit > 0)) continue;
    for (const key of scope.unsent ? ['message', 'attachments', 'shares', 'story'] : ['message']) {
      if (key in node) {
        delete node[key];
        changed = true;
      }
    }
  }
  return changed;
}

/** A deleted comment's words, in the `comments` changes of an entry (or on the entry itself). */
function redactComments(entry: Json, scope: RedactionScope): boolean {
  if (!scope.unsent) return false;
  let changed = false;
  const changes = Array.isArray(entry.changes) ? entry.changes : [entry];
  for (const change of changes.filter(isObject)) {
    const value = change.value;
    const comment = change.field === 'comments' || change.field === 'live_comments';
    if (!comment || !isObject(value) || String(value.id ?? value.comment_id) !== scope.mid) continue;
    if ('text' in value) {
      delete value.text;
      changed = true;
    }
  }
  return changed;
}

/** The body without the message's content, or null when it holds none (already redacted). */
export function redactDelivery(rawBody: Buffer, scope: RedactionScope): Buffer | null {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return null; // not a body ingest could have read a message from
  }
  let changed = false;
  for (const delivery of Array.isArray(body) ? body : [body]) {
    const entries = isObject(delivery) && Array.isArray(delivery.entry) ? delivery.entry : [];
    for (const entry of entries.filter(isObject)) {
      for (const item of itemsOf(entry)) changed = redactItem(item, scope) || changed;
      changed = redactHistoryNode(entry, scope) || changed;
      changed = redactComments(entry, scope) || changed;
    }
  }
  return changed ? Buffer.from(JSON.stringify(body)) : null;
}

/** The parsed event without the content the scope removes, or null when it holds none. */
export function redactEvent(event: InstagramEvent, scope: RedactionScope): InstagramEvent | null {
  if (event.kind === 'edit') {
    const superseded = scope.unsent || event.numEdit < scope.latestEdit;
    return superseded && event.text !== '' ? { ...event, text: '' } : null;
  }
  if (event.kind === 'postback' && scope.unsent && event.title !== '') return { ...event, title: '' };
  if (event.kind === 'comment') return scope.unsent && event.text !== '' ? { ...event, text: '' } : null;
  if (event.kind !== 'message' || !(scope.unsent || scope.latestEdit > 0)) return null;
  const redacted = {
    ...event,
    text: null,
    ...(scope.unsent
      ? {
          attachments: [],
          replyTo: event.replyTo?.kind === 'story' ? { ...event.replyTo, url: null } : event.replyTo,
        }
      : {}),
  };
  return JSON.stringify(redacted) === JSON.stringify(event) ? null : redacted;
}

const partyId = (party: unknown) => (isObject(party) ? String(party.id ?? '') : '');

/**
 * A webhook item (or a change's value) sent by the contact, or to them (an echo, or the
 * business's public reply to one of their comments).
 */
function about(item: Json, contactId: string, commentIds: ReadonlySet<string>): boolean {
  const value = isObject(item.value) ? item.value : item;
  if (value.parent_id !== undefined && commentIds.has(String(value.parent_id))) return true;
  return [item.sender, item.recipient, value.from].some((party) => partyId(party) === contactId);
}

/** An entry about the contact as a whole: a conversation with them from history, or a single change. */
function entryAbout(entry: Json, contactId: string, commentIds: ReadonlySet<string>): boolean {
  const conversation = entry.conversation;
  if (isObject(conversation)) {
    const participants = isObject(conversation.participants) ? conversation.participants.data : null;
    return Array.isArray(participants) && participants.some((party) => partyId(party) === contactId);
  }
  return entry.field !== undefined && about(entry, contactId, commentIds);
}

/**
 * The body without anything of one contact (their erasure): the webhook items they sent or were
 * sent, and the conversations with them fetched from history. Null when it held nothing of
 * theirs; `empty` when nothing else is left in it.
 */
export function redactContact(
  rawBody: Buffer,
  contactId: string,
  /** The contact's comments: the business's replies to them go too. */
  commentIds: ReadonlySet<string> = new Set(),
): { body: Buffer; empty: boolean } | null {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  let changed = false;
  let left = 0;
  const without = (items: unknown[], drop: (item: Json) => boolean) => {
    const kept = items.filter((item) => !(isObject(item) && drop(item)));
    changed ||= kept.length < items.length;
    return kept;
  };
  for (const delivery of Array.isArray(body) ? body : [body]) {
    if (!isObject(delivery) || !Array.isArray(delivery.entry)) continue;
    delivery.entry = without(delivery.entry, (entry) => entryAbout(entry, contactId, commentIds));
    for (const entry of (delivery.entry as unknown[]).filter(isObject)) {
      if (isObject(entry.conversation) || entry.field !== undefined) left += 1;
      for (const key of ['messaging', 'standby', 'changes']) {
        const items = entry[key];
        if (!Array.isArray(items)) continue;
        entry[key] = without(items, (item) => about(item, contactId, commentIds));
        left += (entry[key] as unknown[]).length;
      }
    }
  }
  return changed ? { body: Buffer.from(JSON.stringify(body)), empty: left === 0 } : null;
}
