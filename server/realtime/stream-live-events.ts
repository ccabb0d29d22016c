// A workspace's live events as an endless stream: everything after the cursor, then whatever
// each commit adds, until the subscriber goes away. Rows are read as the operator (RLS).
//
// Broadcast rows are stamped with their transaction's start time, so one that commits late can
// land before the cursor; each read therefore looks a few seconds back and skips what it sent.
//
// Nothing is missed across a gap. A new subscriber first gets `resync` (refetch what you show),
// whose id is where the stream stands, so even a client that saw no event yet can resume from
// there. While the database is away the stream keeps its connection and reads again, backing off,
// from its cursor: what was committed meanwhile comes once it is back. (Ending the stream instead
// would have the client reconnect every few seconds for the whole outage, each time refused.)
//
// A stream is as good as the token that opened it: it ends, UNAUTHENTICATED, when that token
// expires (the client resubscribes with a fresh one and its last event id) or when its session
// ends (signed out, revoked), which every read checks first.
import { SESSION_ENDED, tokenExpiresAt } from '../auth/live-session.ts';
import type { Actor } from '../db/database.ts';
import { decodePageCursor, encodePageCursor } from '../db/page-cursor.ts';
import { AppError, toAppError } from '../errors.ts';
import type { Services } from '../services.ts';
import {
  type LiveEvent,
  type LiveEventPosition,
  latestLiveEventPosition,
  listLiveEvents,
} from './live-events.repository.ts';
import { watchWorkspace } from './live-feed.ts';
import { RESYNC_EVENT } from './topics.ts';

const PAGE = 200;
const LOOK_BACK_MS = 5000;
/** Re-read now and then even without a wake-up, in case a notification was lost. */
const IDLE_CHECK_MS = 15_000;
/** First and longest wait before reading again while the database is away (doubling between). */
const RETRY_MS = { first: 250, max: 5000 };

const NO_ID = '00000000-0000-0000-0000-000000000000';
/** Before every event: where a subscriber of an empty workspace stands. */
const ORIGIN: LiveEventPosition = { insertedAt: '1970-01-01T00:00:00.000000', id: NO_ID };

export interface StreamedLiveEvent {
  /** Opaque; pass the last one back as `lastEventId` to resume. */
  id: string;
  event: string;
  payload: Record<string, unknown>;
  at: string;
}

const encode = (position: LiveEventPosition) =>
  encodePageCursor({ at: position.insertedAt, id: position.id });

function decode(lastEventId: string): LiveEventPosition {
  const { at, id } = decodePageCursor(lastEventId);
  return { insertedAt: at, id };
}

function lookBack(position: LiveEventPosition): LiveEventPosition {
  const earlier = new Date(Date.parse(`${position.insertedAt}Z`) - LOOK_BACK_MS)
    .toISOString()
    .replace('Z', '');
  return { insertedAt: earlier, id: NO_ID };
}

export async function* streamLiveEvents(
  services: Pick<Services, 'db' | 'liveFeed' | 'sessions'>,
  actor: Actor,
  request: { workspaceId: string; lastEventId: string | null; signal?: AbortSignal },
): AsyncGenerator<StreamedLiveEvent> {
  const resumeFrom = request.lastEventId === null ? null : decode(request.lastEventId);
  let cursor =
    resumeFrom ??
    (await services.db.withUser(actor, (trx) => latestLiveEventPosition(trx, request.workspaceId)));
  const sent = new Map<string, number>(); // event id → time sent, for the look-back window
  // The event at the resume point (or at the resync's, which carries its id) is not sent again.
  if (cursor) sent.set(cursor.id, Date.now());

  const watch = await watchWorkspace(services.liveFeed, request.workspaceId);
  const aborted = () => watch.interrupt();
  request.signal?.addEventListener('abort', aborted);
  const expiresAt = tokenExpiresAt(actor);
  /** Until a commit (or the feed coming back), or `ms`; never past the token's expiry. */
  const pause = (ms: number) => watch.nextChange(Math.min(ms, expiresAt - Date.now()));
  // The first read, a retry, and the page after a full one come without waiting.
  let readNow = true;
  try {
    if (resumeFrom === null) {
      yield { id: encode(cursor ?? ORIGIN), event: RESYNC_EVENT, payload: {}, at: new Date().toISOString() };
    }
    let retryMs = RETRY_MS.first;
    while (!request.signal?.aborted) {
      if (Date.now() >= expiresAt) throw new AppError('UNAUTHENTICATED', 'Access token has expired');
      if (!readNow) {
        await pause(IDLE_CHECK_MS); // woken early, or the periodic re-read
        readNow = true;
        continue;
      }
      readNow = false;
      const from = cursor;
      let events: LiveEvent[];
      try {
        if (!(await services.sessions.isActive(actor))) throw new AppError('UNAUTHENTICATED', SESSION_ENDED);
        events = await services.db.withUser(actor, (trx) =>
          listLiveEvents(trx, request.workspaceId, from === null ? null : lookBack(from), PAGE),
        );
      } catch (error) {
        if (toAppError(error)?.code !== 'UNAVAILABLE') throw error;
        await pause(retryMs);
        retryMs = Math.min(RETRY_MS.max, retryMs * 2);
        readNow = true; // read again from the same cursor
        continue;
      }
      retryMs = RETRY_MS.first;
      for (const event of events) {
        if (sent.has(event.id)) continue;
        sent.set(event.id, Date.now());
        cursor = event;
        yield { id: encode(event), event: event.event, payload: event.payload, at: `${event.insertedAt}Z` };
      }
      if (events.length === PAGE) readNow = true; // more to read
      const forgetBefore = Date.now() - 4 * LOOK_BACK_MS;
      for (const [id, at] of sent) if (at < forgetBefore) sent.delete(id);
    }
  } finally {
    request.signal?.removeEventListener('abort', aborted);
    watch.close();
  }
}
