// Live updates in the browser: private Realtime channels joined with the operator's session token
// (RLS on realtime.messages decides each join). Broadcasts carry ids only; each one refetches the
// queries it makes stale through tRPC, or for an open thread reads just what it names and patches
// it in (live-thread.ts); and every (re)join refetches everything on screen, which recovers
// whatever was missed while the channel was out (live-channel.ts keeps it in, a channel the server
// ended included). The conversation list, too, reads only the conversations a broadcast names and
// patches them in (live-list.ts). Reads are what the view shows, so an event seen twice changes
// nothing. (An outage Realtime does not report is caught by resync-after-outage.ts.)
//   workspace:<id>    → the list, leads, accounts, team and health as each event concerns them,
//                        the open thread's header when its conversation changed (assigned,
//                        archived, read), and the layout's loader when an account or the team did
//   conversation:<id> → the open thread's messages, so a busy workspace does not reload it
// Both channels feed one short queue, so a burst (a message and the conversation it updates)
// refetches each query once. Realtime's own code is loaded once the page is up: nothing on screen
// waits for it, and a join refetches what it shows anyway (decision 026).

import { useRevalidator } from '@remix-run/react';
import type { RealtimeClient } from '@supabase/realtime-js';
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
import { liveLists } from './live-list.ts';
import { type LiveThread, liveThreads } from './live-thread.ts';
import { useTRPC, useTRPCClient } from './trpc.ts';

export interface RealtimeConfig {
  url: string;
  anonKey: string;
}

let client: Promise<RealtimeClient> | undefined;

function realtimeClient(config: RealtimeConfig): Promise<RealtimeClient> {
  client ??= import('./realtime-browser-client.ts').then(({ createRealtimeBrowserClient }) =>
    createRealtimeBrowserClient(config.url, config.anonKey),
  );
  // A chunk that failed to load (a new deployment, the network) is tried again by the next screen.
  client.catch(() => {
    client = undefined;
  });
  return client;
}

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
  if (stale.queries.length === 0 && !stale.layout) return;
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
    const refetch = (broadcast: Broadcast) => refetchSoon(queryClient, staleAfter(broadcast));
    let left = false;
    let leave: (() => void) | undefined;
    realtimeClient(config).then(
      (realtime) => {
        if (left) return;
        leave = keepJoined(realtime, topic, {
          onBroadcast: refetch,
          onJoined: (rejoined) => refetch({ event: rejoined ? REJOINED : JOINED, payload: {} }),
        });
      },
      (error: unknown) => console.error('Live updates could not start', error),
    );
    return () => {
      left = true;
      leave?.();
    };
  }, [topic, config.url, config.anonKey, queryClient]);
}

const listsOf = new WeakMap<QueryClient, ReturnType<typeof liveLists>>();

/** One patcher of the cached conversation lists per page. */
function useLiveLists() {
  const queryClient = useQueryClient();
  const api = useTRPCClient();
  const trpc = useTRPC();
  let lists = listsOf.get(queryClient);
  if (!lists) {
    lists = liveLists(queryClient, api, trpc.inbox.listConversations.pathFilter());
    listsOf.set(queryClient, lists);
  }
  return lists;
}

const threadsOf = new WeakMap<QueryClient, ReturnType<typeof liveThreads>>();

/** One patcher per page, so that a message and its conversation's change are read together. */
function useLiveThreads() {
  const queryClient = useQueryClient();
  const api = useTRPCClient();
  let threads = threadsOf.get(queryClient);
  if (!threads) {
    threads = liveThreads(queryClient, api);
    threadsOf.set(queryClient, threads);
  }
  return threads;
}

export function useLiveWorkspace(workspaceId: string, config: RealtimeConfig) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const threads = useLiveThreads();
  const lists = useLiveLists();
  const { revalidate } = useRevalidator();
  const list = trpc.inbox.listConversations.pathFilter();
  // Everything on screen but open threads, which their own channel keeps fresh.
  const threadQueries = trpc.inbox.conversation.pathFilter();
  const allButThreads: QueryFilters = { predicate: (query) => !matchQuery(threadQueries, query) };
  useLiveTopic(workspaceTopic(workspaceId), config, (broadcast): Stale => {
    switch (broadcast.event) {
      case JOINED:
        return { queries: [allButThreads] };
      case REJOINED: // the layout's loader too: it ran before the connection was lost
        return { queries: [allButThreads], layout: revalidate };
      case BROADCAST_EVENTS.messageCreated:
      case BROADCAST_EVENTS.messageUpdated:
        // The conversation's row (its preview and place), volume and send queues, and the
        // account's "last event".
        lists.named([String(broadcast.payload.conversation_id)]);
        return { queries: [trpc.health.pathFilter(), trpc.accounts.pathFilter()] };
      case BROADCAST_EVENTS.conversationUpdated: {
        // Also where the contact's fetched profile lands, which leads show too.
        const conversationId = String(broadcast.payload.conversation_id);
        lists.named([conversationId]);
        const thread: LiveThread = {
          workspaceId,
          conversationId,
          filter: trpc.inbox.conversation.infiniteQueryFilter({ workspaceId, conversationId }),
        };
        // A thread on screen re-reads its header; one in the cache only is read when shown again.
        const onScreen = queryClient.getQueryCache().findAll({ ...thread.filter, type: 'active' }).length > 0;
        if (onScreen) threads.header(thread);
        return { queries: onScreen ? [trpc.leads.pathFilter()] : [thread.filter, trpc.leads.pathFilter()] };
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
  const threads = useLiveThreads();
  const filter = trpc.inbox.conversation.infiniteQueryFilter({ workspaceId, conversationId });
  useLiveTopic(conversationTopic(conversationId), config, (broadcast): Stale => {
    const messageId = broadcast.payload.message_id;
    const named =
      broadcast.event === BROADCAST_EVENTS.messageCreated ||
      broadcast.event === BROADCAST_EVENTS.messageUpdated;
    if (named && typeof messageId === 'string') {
      threads.messages({ workspaceId, conversationId, filter }, [messageId]);
      return { queries: [] };
    }
    // A (re)join, or an event this screen does not know: everything may have changed.
    return { queries: [filter] };
  });
}
