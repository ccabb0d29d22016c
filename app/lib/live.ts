// Live updates in the browser: the workspace's private Realtime channel, joined with the
// operator's session token (RLS decides the join). Every broadcast refetches the queries on
// screen through tRPC; so does every (re)subscription, which recovers whatever was missed while
// the connection was down. Refetches are what the view shows, so an event seen twice changes nothing.
import { createBrowserClient } from '@supabase/ssr';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

export interface RealtimeConfig {
  url: string;
  anonKey: string;
}

let client: ReturnType<typeof createBrowserClient> | undefined;

export function useLiveWorkspace(workspaceId: string, config: RealtimeConfig) {
  const queryClient = useQueryClient();
  useEffect(() => {
    client ??= createBrowserClient(config.url, config.anonKey);
    const supabase = client;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refetch = () => {
      clearTimeout(timer);
      // A burst of events (a batch of messages) refetches once.
      timer = setTimeout(() => void queryClient.invalidateQueries(), 50);
    };
    let channel: ReturnType<typeof supabase.channel> | undefined;
    let cancelled = false;
    void (async () => {
      await supabase.realtime.setAuth(); // the first join must carry the operator's token
      if (cancelled) return;
      channel = supabase
        .channel(`workspace:${workspaceId}`, { config: { private: true } })
        .on('broadcast', { event: '*' }, refetch)
        .subscribe((status: string) => {
          if (status === 'SUBSCRIBED') refetch();
        });
    })();
    return () => {
      cancelled = true;
      clearTimeout(timer);
      if (channel) void supabase.removeChannel(channel);
    };
  }, [workspaceId, config.url, config.anonKey, queryClient]);
}
