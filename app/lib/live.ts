// Live updates in the browser: private Realtime channels joined with the operator's session token
// (RLS on realtime.messages decides each join). Broadcasts carry ids only; each one refetches the
// affected queries through tRPC, and so does every (re)subscription, which recovers whatever was
// missed while the connection was down. Refetches are what the view shows, so an event seen twice
// changes nothing.
//   workspace:<id>    → everything on screen except open threads (list, leads, accounts, health),
//                        a thread whose conversation changed (assigned, archived, read), and
//                        the layout's loader when an account or the team changed
//   conversation:<id> → the open thread's messages, so a busy workspace does not reload it

import { useRevalidator } from '@remix-run/react';
import { createBrowserClient } from '@supabase/ssr';
import { type Query, type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

export interface RealtimeConfig {
  url: string;
  anonKey: string;
}

let client: ReturnType<typeof createBrowserClient> | undefined;

// The tRPC path of the thread query, as @trpc/tanstack-react-query keys it.
const THREAD_PATH = JSON.stringify(['inbox', 'conversation']);
const isThread = (query: Query) => JSON.stringify(query.queryKey[0]) === THREAD_PATH;
const threadOf = (conversationId: string) => (query: Query) =>
  isThread(query) &&
  (query.queryKey[1] as { input?: { conversationId?: string } } | undefined)?.input?.conversationId ===
    conversationId;

interface Broadcast {
  event: string;
  payload: Record<string, unknown>;
}

/** Joins `topic`; `refresh` gets the broadcasts of a burst, or `null` after a (re)subscription. */
function useLiveTopic(
  topic: string,
  config: RealtimeConfig,
  refresh: (queryClient: QueryClient, burst: Broadcast[] | null) => Promise<void>,
) {
  const queryClient = useQueryClient();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` is derived from `topic`
  useEffect(() => {
    client ??= createBrowserClient(config.url, config.anonKey);
    const supabase = client;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let burst: Broadcast[] | null = [];
    const refetch = (broadcast: Broadcast | null) => {
      if (broadcast === null) burst = null;
      else burst?.push(broadcast);
      clearTimeout(timer);
      // A burst of events (a batch of messages) refetches once.
      timer = setTimeout(() => {
        const events = burst;
        burst = [];
        void refresh(queryClient, events);
      }, 50);
    };
    let channel: ReturnType<typeof supabase.channel> | undefined;
    let cancelled = false;
    void (async () => {
      await supabase.realtime.setAuth(); // the first join must carry the operator's token
      if (cancelled) return;
      channel = supabase
        .channel(topic, { config: { private: true } })
        .on('broadcast', { event: '*' }, (message: { event: string; payload?: Record<string, unknown> }) =>
          refetch({ event: message.event, payload: message.payload ?? {} }),
        )
        .subscribe((status: string) => {
          if (status === 'SUBSCRIBED') refetch(null);
        });
    })();
    return () => {
      cancelled = true;
      clearTimeout(timer);
      if (channel) void supabase.removeChannel(channel);
    };
  }, [topic, config.url, config.anonKey, queryClient]);
}

/**
 * Events that change what the workspace layout's loader read: the accounts (the reconnect
 * banner) and the team (the operator's role, or whether they are still a member at all).
 */
const LAYOUT_EVENTS = new Set(['connection_updated', 'connection_deleted', 'team_updated']);

export function useLiveWorkspace(workspaceId: string, config: RealtimeConfig) {
  const { revalidate } = useRevalidator();
  useLiveTopic(`workspace:${workspaceId}`, config, (queryClient, burst) => {
    if (burst?.some((b) => LAYOUT_EVENTS.has(b.event))) revalidate();
    const changed = new Set(
      (burst ?? [])
        .filter((b) => b.event === 'conversation_updated')
        .map((b) => String(b.payload.conversation_id)),
    );
    return queryClient.invalidateQueries({
      predicate: (query) => !isThread(query) || [...changed].some((id) => threadOf(id)(query)),
    });
  });
}

export function useLiveConversation(conversationId: string, config: RealtimeConfig) {
  useLiveTopic(`conversation:${conversationId}`, config, (queryClient) =>
    queryClient.invalidateQueries({ predicate: threadOf(conversationId) }),
  );
}
