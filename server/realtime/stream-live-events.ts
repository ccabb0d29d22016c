// A workspace's live events as an endless stream: everything after the resume point, then whatever
// each commit adds, until the subscriber goes away. Read from the live log as the operator (RLS).
//
// Exact: a position is a transaction snapshot (live-position.ts), so an event comes once, however
// late its transaction commits, and a resume from an event's id sends exactly what came after it.
// A new subscriber starts with `resyncRequired` (refetch what you show) whose id is where the
// stream stands: nothing older is replayed at it. A resume point older than the log keeps also
// gets `resyncRequired`, then the stream goes on from now.
//
// While the database is away the stream keeps its connection and reads again, backing off, from
// its position: what was committed meanwhile comes once it is back. (Ending the stream instead
// would have the client reconnect every few seconds for the whole outage, each time refused.)
//
// A stream is as good as the token that opened it: it ends, UNAUTHENTICATED, when that token
// expires (the client resubscribes with a fresh one and its last event id) or when its session
// ends (signed out, revoked), which every read checks first; a quiet stream reads at least every
// IDLE_CHECK_MS, so a signed-out app's stream closes within that time and is never sent an event.
import { tokenExpired } from '../auth/access-token.ts';
import { sessionEnded, tokenExpiresAt } from '../auth/live-session.ts';
import type { Actor } from '../db/database.ts';
import { toAppError } from '../errors.ts';
import type { Services } from '../services.ts';
import { type LiveEvent, toLiveEvent } from './live-event.schemas.ts';
import { currentLivePosition, type LogRead, readLiveLog } from './live-events.repository.ts';
import { watchWorkspace } from './live-feed.ts';
import { decodeLivePosition, encodeLivePosition, type LivePosition } from './live-position.ts';

const PAGE = 200;
/** Re-read now and then even without a wake-up: a lost notification, a session ended elsewhere. */
export const IDLE_CHECK_MS = 15_000;
/** First and longest wait before reading again while the database is away (doubling between). */
const RETRY_MS = { first: 250, max: 5000 };

export interface StreamedLiveEvent {
  /** Opaque; pass the last one back as `lastEventId` to resume right after it. */
  id: string;
  event: LiveEvent;
}

export async function* streamLiveEvents(
  services: Pick<Services, 'db' | 'liveFeed' | 'sessions'>,
  actor: Actor,
  request: { workspaceId: string; lastEventId: string | null; signal?: AbortSignal },
): AsyncGenerator<StreamedLiveEvent> {
  let position: LivePosition | null =
    request.lastEventId === null ? null : decodeLivePosition(request.lastEventId, 'lastEventId');
  // Watch before the first read, so a commit between the two still wakes the stream.
  const watch = await watchWorkspace(services.liveFeed, request.workspaceId);
  const aborted = () => watch.interrupt();
  request.signal?.addEventListener('abort', aborted);
  const expiresAt = tokenExpiresAt(actor);
  /** Until a commit (or the feed coming back), or `ms`; never past the token's expiry. */
  const pause = (ms: number) => watch.nextChange(Math.min(ms, expiresAt - Date.now()));
  const resync = (reason: 'subscribed' | 'resumePointExpired', at: LivePosition): StreamedLiveEvent => ({
    id: encodeLivePosition(at),
    event: { type: 'resyncRequired', reason, at: new Date().toISOString() },
  });
  // The first read, a retry, and the page after a full one come without waiting.
  let readNow = true;
  try {
    let retryMs = RETRY_MS.first;
    while (!request.signal?.aborted) {
      if (Date.now() >= expiresAt) throw tokenExpired();
      if (!readNow) {
        await pause(IDLE_CHECK_MS); // woken early, or the periodic re-read
        readNow = true;
        continue;
      }
      readNow = false;
      const from = position;
      let read: LogRead | { kind: 'start'; next: LivePosition };
      try {
        if (!(await services.sessions.isActive(actor))) throw sessionEnded();
        read = await services.db.withUser(actor, async (trx) =>
          from === null
            ? { kind: 'start' as const, next: await currentLivePosition(trx) }
            : readLiveLog(trx, request.workspaceId, from, PAGE, 'lastEventId'),
        );
      } catch (error) {
        if (toAppError(error)?.code !== 'UNAVAILABLE') throw error;
        await pause(retryMs);
        retryMs = Math.min(RETRY_MS.max, retryMs * 2);
        readNow = true; // read again from the same position
        continue;
      }
      retryMs = RETRY_MS.first;
      position = read.next;
      if (read.kind === 'start') {
        yield resync('subscribed', read.next);
      } else if (read.kind === 'gone') {
        yield resync('resumePointExpired', read.next);
      } else {
        for (const logged of read.events) {
          const event = toLiveEvent(logged);
          if (event) yield { id: encodeLivePosition(logged.position), event };
        }
        readNow = read.more;
      }
    }
  } finally {
    request.signal?.removeEventListener('abort', aborted);
    watch.close();
  }
}
