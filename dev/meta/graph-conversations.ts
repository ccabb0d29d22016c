// The Conversations API (§7) on both hosts, for history backfill:
//   GET /{IG_ID|me}/conversations?platform=instagram     graph.instagram.com, Instagram user token
//   GET /{PAGE_ID|me}/conversations?platform=instagram   graph.facebook.com, Page token
//       [&fields=id,updated_time,participants,messages{…}][&limit=N][&user_id=IGSID][&after=CURSOR]
//   GET /{CONVERSATION_ID}?fields=messages{…},participants,updated_time   (messages.limit(n) too)
//   GET /{CONVERSATION_ID}/messages[?fields=…&limit=N&after=CURSOR]       where `next` links lead
//   GET /{MESSAGE_ID}?fields=id,created_time,from,to,message,attachments,…
// Every call counts against 2 calls per second per Instagram account (§5.6), over the limit
// answered 613/2534040 as the Send API's limits are. A message older than the 20 most recent, or
// unsent, answers Meta's deleted-message error (code 9000001, the [S7] table's wording).
//
// `platform` on graph.facebook.com picks the Page's inbox: without it (or with `messenger`) Graph
// lists Messenger conversations, of which the simulator has none, so an app that forgets it sees
// an empty list as it would on Meta. graph.instagram.com only has Instagram and wants it said.
import {
  conversationKey,
  detailedMessages,
  type ListedConversation,
  type ListedMessage,
  listConversation,
  listedConversations,
} from './conversation-listing.ts';
import { type GraphCall, type GraphEndpoint, ownNode } from './graph-api.ts';
import { GraphError, invalidParameter, rateLimited, unsupportedRequest } from './graph-errors.ts';
import {
  Edge,
  type FieldRequest,
  fieldsNamed,
  formatFields,
  type NodeFields,
  pickFields,
  requestedFields,
} from './graph-fields.ts';
import { graphTime, messageNode } from './graph-message-node.ts';
import { graphLink, nextOfRequest, type PageRequest, page, pageRequest } from './graph-paging.ts';
import { createRateLimiter } from './rate-limit.ts';
import type { Account } from './world.ts';

/** Meta's limit for the Conversations API, per Instagram account (§5.6). */
export const CONVERSATIONS_PER_SECOND = 2;

const CONVERSATION_DEFAULTS = ['id', 'updated_time'];
/** "Default message fields are id and created_time" (§7). */
const MESSAGE_DEFAULTS = ['id', 'created_time'];

const messageDeleted = () =>
  new GraphError({ code: 9000001, message: 'This Message has been deleted by the user or the business.' });

export function createConversationsApi(now: () => number, initialPerSecond = CONVERSATIONS_PER_SECOND) {
  let perSecond = initialPerSecond;
  const limiter = createRateLimiter(now);

  function throttle(account: Account): void {
    if (!limiter.take(account.igId, perSecond)) throw rateLimited();
  }

  /** A page of the conversation's messages: older than the 20 most recent, ids only. */
  function messagesPage(
    call: GraphCall,
    listed: ListedConversation,
    fields: FieldRequest[],
    request: PageRequest,
    link: (after: string) => string,
  ) {
    const detailed = detailedMessages(listed);
    const view = ({ message }: ListedMessage) =>
      pickFields(
        call.host,
        messageNode(listed.conversation, message, detailed.has(message)),
        'Message',
        fields,
      );
    return page(listed.messages, (entry) => entry.key, request, view, link);
  }

  /** `messages` inside a conversation's fields: its first page, `next` leading to the edge. */
  function messagesEdge(call: GraphCall, listed: ListedConversation) {
    return new Edge(({ modifiers, fields }) => {
      const unknown = Object.keys(modifiers).find((modifier) => modifier !== 'limit');
      if (unknown !== undefined) throw invalidParameter(`Unsupported modifier ${unknown} on field messages`);
      const messageFields = fields ?? fieldsNamed(MESSAGE_DEFAULTS);
      const request = pageRequest(modifiers.limit, undefined);
      return messagesPage(call, listed, messageFields, request, (after) =>
        graphLink(call, `${listed.conversation.thread.id}/messages`, {
          ...(fields ? { fields: formatFields(fields) } : {}),
          limit: String(request.limit),
          after,
        }),
      );
    });
  }

  function conversationNode(call: GraphCall, listed: ListedConversation): NodeFields {
    const { account, customer, thread } = listed.conversation;
    return {
      id: thread.id,
      updated_time: graphTime(listed.updatedTime),
      participants: {
        data: [
          { username: account.username, id: account.igId },
          { username: customer.username, id: customer.igsid },
        ],
      },
      messages: messagesEdge(call, listed),
    };
  }

  const conversation = (call: GraphCall, listed: ListedConversation) =>
    pickFields(
      call.host,
      conversationNode(call, listed),
      'Conversation',
      requestedFields(call, CONVERSATION_DEFAULTS),
    );

  /** The account's listed conversation with this id, if it is one. */
  const findConversation = (call: GraphCall, id: string) =>
    listedConversations(call.world, call.account).find((listed) => listed.conversation.thread.id === id);

  function listConversations(call: GraphCall) {
    const account = ownNode(call);
    throttle(account);
    const { platform } = call.args;
    if (call.host === 'instagram' && platform !== 'instagram') {
      throw invalidParameter(
        platform === undefined
          ? 'The parameter platform is required'
          : 'param platform must be one of {instagram}',
      );
    }
    if (platform !== undefined && platform !== 'instagram' && platform !== 'messenger')
      throw invalidParameter('param platform must be one of {instagram, messenger}');
    const request = pageRequest(call.args.limit, call.args.after);
    const userId = call.args.user_id;
    const listed =
      platform === 'instagram'
        ? listedConversations(call.world, account).filter(
            (candidate) => userId === undefined || candidate.conversation.customer.igsid === userId,
          )
        : [];
    return page(listed, conversationKey, request, (item) => conversation(call, item), nextOfRequest(call));
  }

  function listMessages(call: GraphCall) {
    const id = call.params.id as string;
    const listed = findConversation(call, id);
    if (!listed) throw unsupportedRequest(call.host, call.method, id);
    throttle(call.account);
    const request = pageRequest(call.args.limit, call.args.after);
    return messagesPage(call, listed, requestedFields(call, MESSAGE_DEFAULTS), request, nextOfRequest(call));
  }

  /**
   * `GET /{id}` for a conversation or message of the token's account; undefined for any other id,
   * which the other nodes answer.
   */
  function node(call: GraphCall, id: string): unknown {
    const listed = findConversation(call, id);
    if (listed) {
      throttle(call.account);
      return conversation(call, listed);
    }
    for (const candidate of call.world.conversations(call.account)) {
      const message = candidate.thread.messages.find((m) => m.mid === id);
      if (!message) continue;
      throttle(call.account);
      const current = listConversation(candidate);
      if (!current || !detailedMessages(current).has(message)) throw messageDeleted();
      return pickFields(
        call.host,
        messageNode(candidate, message, true),
        'Message',
        requestedFields(call, MESSAGE_DEFAULTS),
      );
    }
    return undefined;
  }

  const endpoints: GraphEndpoint[] = [
    { method: 'GET', path: ':node/conversations', handle: listConversations },
    { method: 'GET', path: ':id/messages', handle: listMessages },
  ];

  return {
    endpoints,
    node,
    rateLimit: () => perSecond,
    setRateLimit(next: number): void {
      perSecond = next;
      limiter.reset();
    },
  };
}

export type ConversationsApi = ReturnType<typeof createConversationsApi>;
