// A workspace's live events as an endless stream: everything after the cursor, then whatever
// each commit adds, until the subscriber goes away. Rows are read as the operator (RLS).
//
// Broadcast rows are stamped with their transaction's start time, so one that commits late can
// land before the cursor; each read therefore looks a few seconds back and skips what it sent.
import type { Actor, Database } from '../db/database.ts';
import { decodePageCursor, encodePageCursor } from '../inbox/page-cursor.ts';
import { type LiveEventPosition, latestLiveEventPosition, listLiveEvents } from './live-events.repository.ts';
import type { LiveFeed } from './live-feed.ts';

const PAGE = 200;
const LOOK_BACK_MS = 5000;
/** Re-read now and then even without a wake-up, in case a notification was lost. */
const IDLE_CHECK_MS = 15_000;

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
  return { insertedAt: earlier, id: '00000000-0000-0000-0000-000000000000' };
}

export async function* streamLiveEvents(
  deps: { db: Database; feed: LiveFeed },
  actor: Actor,
  request: { workspaceId: string; lastEventId: string | null; signal?: AbortSignal },
): AsyncGenerator<StreamedLiveEvent> {
  const resumeFrom = request.lastEventId === null ? null : decode(request.lastEventId);
  let cursor =
    resumeFrom ?? (await deps.db.withUser(actor, (trx) => latestLiveEventPosition(trx, request.workspaceId)));
  const sent = new Map<string, number>(); // event id → time sent, for the look-back window
  if (resumeFrom) sent.set(resumeFrom.id, Date.now());

  let wake: () => void = () => {};
  let woken = true;
  const unsubscribe = await deps.feed.subscribe(request.workspaceId, () => {
    woken = true;
    wake();
  });
  const aborted = () => wake();
  request.signal?.addEventListener('abort', aborted);
  try {
    while (!request.signal?.aborted) {
      if (!woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            woken = true; // the periodic re-read
            resolve();
          }, IDLE_CHECK_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        continue;
      }
      woken = false;
      const from = cursor;
      const events = await deps.db.withUser(actor, (trx) =>
        listLiveEvents(trx, request.workspaceId, from === null ? null : lookBack(from), PAGE),
      );
      for (const event of events) {
        if (sent.has(event.id)) continue;
        sent.set(event.id, Date.now());
        cursor = event;
        yield { id: encode(event), event: event.event, payload: event.payload, at: `${event.insertedAt}Z` };
      }
      if (events.length === PAGE) woken = true; // more to read
      const forgetBefore = Date.now() - 4 * LOOK_BACK_MS;
      for (const [id, at] of sent) if (at < forgetBefore) sent.delete(id);
    }
  } finally {
    request.signal?.removeEventListener('abort', aborted);
    unsubscribe();
  }
}
