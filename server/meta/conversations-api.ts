// Meta's Conversations API (reference §7): an account's conversations, most recently active
// first, and each one's most recent messages. Only the 20 most recent messages of a conversation
// have details, so that is all a conversation is asked for; conversations are paged first and
// fetched one by one (a large nested request fails with "reduce the amount of data").
import { z } from 'zod';
import { type GraphAccount, subscriberId } from './graph-api.ts';
import type { GraphClient } from './graph-client.ts';

/** Meta gives details of a conversation's 20 most recent messages only. */
export const MESSAGES_WITH_DETAILS = 20;

/** The ledger's `object` for a conversation fetched from the Conversations API. */
export const HISTORY_OBJECT = 'instagram_history';

/** The message fields intake reads, as the Conversations API names them. */
const MESSAGE_FIELDS = 'id,created_time,from,to,message,attachments,shares,story,is_unsupported';

/** Graph's times: ISO 8601, with `+0000` where JavaScript expects `Z` or `+00:00`. */
export const GraphTime = z.string().transform((value, context) => {
  const at = new Date(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  if (Number.isNaN(at.getTime())) {
    context.addIssue({ code: 'custom', message: 'not a time' });
    return z.NEVER;
  }
  return at;
});

const ConversationsAnswer = z.looseObject({
  data: z.array(z.looseObject({ id: z.string().min(1), updated_time: GraphTime })),
  paging: z
    .looseObject({
      cursors: z.looseObject({ after: z.string().nullish() }).nullish(),
      next: z.string().nullish(),
    })
    .nullish(),
});

export interface ConversationSummary {
  id: string;
  updatedAt: Date;
}

export interface ConversationsPage {
  conversations: ConversationSummary[];
  /** The cursor of the next page; null after the last. */
  after: string | null;
}

function conversationsNode(account: GraphAccount): string {
  const node = subscriberId(account);
  if (!node) throw new Error('an account connected through a Page needs its Page id to list conversations');
  return node;
}

/** One page of the account's conversations, most recently active first. */
export async function listConversations(
  graph: GraphClient,
  account: GraphAccount,
  token: string,
  page: { after: string | null; limit: number },
): Promise<ConversationsPage> {
  const answer = ConversationsAnswer.parse(
    await graph.request<unknown>({
      loginPath: account.loginPath,
      path: `${encodeURIComponent(conversationsNode(account))}/conversations`,
      token,
      query: {
        platform: 'instagram',
        fields: 'id,updated_time',
        limit: String(page.limit),
        ...(page.after ? { after: page.after } : {}),
      },
    }),
  );
  // Meta leaves `next` out on the last page, though it may still name a cursor.
  const after = answer.paging?.next ? (answer.paging.cursors?.after ?? null) : null;
  return {
    conversations: answer.data.map((conversation) => ({
      id: conversation.id,
      updatedAt: conversation.updated_time,
    })),
    after,
  };
}

/**
 * A conversation as Meta gives it: its participants and its most recent messages with their
 * details, verbatim. It is stored as received, and read by parse-history-conversation.ts.
 */
export async function fetchConversation(
  graph: GraphClient,
  account: GraphAccount,
  token: string,
  conversationId: string,
): Promise<unknown> {
  return graph.request<unknown>({
    loginPath: account.loginPath,
    path: encodeURIComponent(conversationId),
    token,
    query: {
      fields: `id,updated_time,participants,messages.limit(${MESSAGES_WITH_DETAILS}){${MESSAGE_FIELDS}}`,
    },
  });
}

/** A fetched conversation as the ledger stores it: shaped like a delivery, one entry per account. */
export function historyEnvelope(accountId: string, conversation: unknown): string {
  return JSON.stringify({ object: HISTORY_OBJECT, entry: [{ id: accountId, conversation }] });
}
