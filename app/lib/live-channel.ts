// Keeps the browser in one private Realtime channel for as long as a screen needs it, and says
// each time it is in again: broadcasts sent while it was out are not replayed, so the screen
// refetches what it shows.
//
// realtime-js rejoins by itself after a refused join, a join that timed out and a lost socket
// (CHANNEL_ERROR, TIMED_OUT), and the rejoin reports SUBSCRIBED again. A channel the server ends
// (`system` then `phx_close`, reported as CLOSED) it leaves ended. Hosted Realtime ends channels
// when it cannot check a refreshed token, for instance while it cannot reach the database, and when
// the token expired (a laptop that slept): such a channel is joined again here, waiting as long as
// realtime-js waits between its own attempts.
import type { RealtimeClient } from '@supabase/realtime-js';

const REJOIN_AFTER_MS = [1000, 2000, 5000, 10_000];

export interface Broadcast {
  event: string;
  payload: Record<string, unknown>;
}

export interface LiveChannelHandlers {
  onBroadcast(broadcast: Broadcast): void;
  /** After every join: `rejoined` is false for the first, true for each after a gap. */
  onJoined(rejoined: boolean): void;
}

type Realtime = Pick<RealtimeClient, 'channel' | 'removeChannel' | 'setAuth'>;

/** Joins `topic` (private) until the returned function is called. */
export function keepJoined(realtime: Realtime, topic: string, handlers: LiveChannelHandlers): () => void {
  let stopped = false;
  let joinedBefore = false;
  let ended = 0; // channels the server ended in a row, for the wait before the next
  let channel: ReturnType<Realtime['channel']> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  function joinLater() {
    channel = undefined;
    retry = setTimeout(start, REJOIN_AFTER_MS[Math.min(ended, REJOIN_AFTER_MS.length - 1)]);
    ended += 1;
  }

  async function join() {
    // Each join carries the operator's current token (the first one must not go without).
    await realtime.setAuth();
    if (stopped) return;
    const joining = realtime
      .channel(topic, { config: { private: true } })
      .on('broadcast', { event: '*' }, (message: { event: string; payload?: Record<string, unknown> }) =>
        handlers.onBroadcast({ event: message.event, payload: message.payload ?? {} }),
      );
    channel = joining;
    joining.subscribe((status: string) => {
      if (stopped || channel !== joining) return;
      if (status === 'SUBSCRIBED') {
        ended = 0;
        handlers.onJoined(joinedBefore);
        joinedBefore = true;
      } else if (status === 'CLOSED') {
        joinLater();
      }
    });
  }

  function start() {
    join().catch(joinLater);
  }

  start();
  return () => {
    stopped = true;
    clearTimeout(retry);
    if (channel) void realtime.removeChannel(channel);
  };
}
