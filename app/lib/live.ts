// Live updates in the browser: private Realtime channels joined with the operator's session token
// (RLS on realtime.messages decides each join). Broadcasts carry ids only; each one refetches the
// queries it makes stale through tRPC, and every (re)join refetches everything on screen, which
// recovers whatever was missed while the channel was out (live-channel.ts keeps it in, a channel
// the server ended included). Refetches are what the view shows, so an event seen twice changes
// nothing. (An outage Realtime does not report is caught by resync-after-outage.ts.)
//   workspace:<id>    → the list, leads, accounts, team and health as each event concerns them,
//                        the open thread's header when its conversation changed (assigned,
//                        archived, read), and the layout's loader when an account or the team did
//   conversation:<id> → the open thread's messages, so a busy workspace does not reload it
// Both channels feed one short queue, so a burst (a message and the conversation it updates)
// refetches each query once.

import { useRevalidator } from '@remix-run/react';
import {
  matchQuery,
  type Query,
  type QueryClient,
  type QueryFilters,
  useQueryClient,
} from '@tanstack/react-query';
import { useEffect } from 'react';
import { BROADCAST_EVENTS, conversationTopic, workspaceTopic } from '#server/realtime/topics.ts';
import { type Broadcast, keepJoined } from './live-channel.ts';
import { createSupabaseBrowserClient } from './supabase-browser-client.ts';
import { useTRPC } from './trpc.ts';

export interface RealtimeConfig {
  url: string;
  anonKey: string;
}

let client: ReturnType<typeof createSupabaseBrowserClient> | undefined;

/** What one or more broadcasts made stale. */
interface Stale {
  queries: QueryFilters[];
  /** The workspace layout's loader (accounts for the reconnect banner, the operator's role). */
  layout?: () => void;
}

const BURST_MS = 50;
let queued: { queries: QueryFilters[]; layout?: () => void; timer: ReturnType<typeof setTimeout> } | null =
  null;

/** Refetches what a burst of broadcasts, from any channel, made stale: each query once. */
function refetchSoon(queryClient: QueryClient, stale: Stale) {
  queued ??= {
    queries: [],
    timer: setTimeout(() => {
      const { queries, layout } = queued as NonNullable<typeof queued>;
      queued = null;
      layout?.();
      // A fetch already under way is not aborted (an abort costs a request and broke loads of
      // older pages): it finishes, then runs once more, since it may have read before the change.
      const stale = (query: Query) => queries.some((f) => matchQuery(f, query));
      const underWay = queryClient.getQueryCache().findAll({ predicate: stale, fetchStatus: 'fetching' });
      void queryClient
        .invalidateQueries({ predicate: stale }, { cancelRefetch: false })
        .then(() =>
          underWay.length > 0
            ? queryClient.invalidateQueries(
                { predicate: (query) => underWay.includes(query) },
                { cancelRefetch: false },
              )
            : undefined,
        );
    }, BURST_MS),
  };
  queued.queries.push(...stale.queries);
  queued.layout ??= stale.layout;
}

// Our own signals, for a subscription: the first (the screen may have missed events while
// joining), and each after a lost connection (it may have missed anything).
const JOINED = ':joined';
const REJOINED = ':rejoined';

/** Joins `topic`; `staleAfter` says what a broadcast (or JOINED / REJOINED) makes stale. */
function useLiveTopic(topic: string, config: RealtimeConfig, staleAfter: (broadcast: Broadcast) => Stale) {
  const queryClient = useQueryClient();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `staleAfter` is derived from `topic`
  useEffect(() => {
    client ??= createSupabaseBrowserClient(config.url, config.anonKey);
    const refetch = (broadcast: Broadcast) => refetchSoon(queryClient, staleAfter(broadcast));
    return keepJoined(client, topic, {
      onBroadcast: refetch,
      onJoined: (rejoined) => refetch({ event: rejoined ? REJOINED : JOINED, payload: {} }),
    });
  }, [topic, config.url, config.anonKey, queryClient]);
}

export function useLiveWorkspace(workspaceId: string, config: RealtimeConfig) {
  const trpc = useTRPC();
  const { revalidate } = useRevalidator();
  const list = trpc.inbox.listConversations.pathFilter();
  // Everything on screen but open threads, which their own channel keeps fresh.
  const threads = trpc.inbox.conversation.pathFilter();
  const allButThreads: QueryFilters = { predicate: (query) => !matchQuery(threads, query) };
  useLiveTopic(workspaceTopic(workspaceId), config, (broadcast): Stale => {
    switch (broadcast.event) {
      case JOINED:
        return { queries: [allButThreads] };
      case REJOINED: // the layout's loader too: it ran before the connection was lost
        return { queries: [allButThreads], layout: revalidate };
      case BROADCAST_EVENTS.messageCreated:
      case BROADCAST_EVENTS.messageUpdated:
        // Previews, volume and send queues, and the account's "last event".
        return { queries: [list, trpc.health.pathFilter(), trpc.accounts.pathFilter()] };
      case BROADCAST_EVENTS.conversationUpdated: {
        // Also where the contact's fetched profile lands, which leads show too.
        const conversationId = String(broadcast.payload.conversation_id);
        const header = trpc.inbox.conversation.infiniteQueryFilter({ workspaceId, conversationId });
        return { queries: [list, header, trpc.leads.pathFilter()] };
      }
      case BROADCAST_EVENTS.leadCreated:
        return { queries: [trpc.leads.pathFilter()] };
      case BROADCAST_EVENTS.connectionUpdated:
      case BROADCAST_EVENTS.connectionDeleted:
        // A deleted history takes its conversations and leads along.
        return {
          queries: [trpc.accounts.pathFilter(), trpc.health.pathFilter(), trpc.leads.pathFilter(), list],
          layout: revalidate,
        };
      case BROADCAST_EVENTS.historyImportUpdated:
        return { queries: [trpc.history.pathFilter()] };
      case BROADCAST_EVENTS.teamUpdated:
        return { queries: [trpc.team.pathFilter()], layout: revalidate };
      default:
        return { queries: [allButThreads] };
    }
  });
}

export function useLiveConversation(workspaceId: string, conversationId: string, config: RealtimeConfig) {
  const trpc = useTRPC();
  const thread = trpc.inbox.conversation.infiniteQueryFilter({ workspaceId, conversationId });
  useLiveTopic(conversationTopic(conversationId), config, () => ({ queries: [thread] }));
}
