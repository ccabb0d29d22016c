import { tracked } from '@trpc/server';
import { z } from 'zod';
import { LIVE_POSITION_MAX_LENGTH } from '../../realtime/live-position.ts';
import { streamLiveEvents } from '../../realtime/stream-live-events.ts';
import { asAppError, toTRPCError } from '../errors.ts';
import { router, workspaceProcedure } from '../init.ts';

export const liveRouter = router({
  /**
   * The workspace's live events over server-sent events, for mobile apps: a typed union
   * (`LiveEvent`: `messageCreated`, `conversationUpdated`, …), ids and states only. Each event's id
   * resumes the stream right after it (`lastEventId`, which httpSubscriptionLink sends by itself
   * on a reconnect): nothing is repeated or skipped. A subscription without `lastEventId` starts
   * with `resyncRequired` (refetch what you show; nothing older is replayed), as does one whose
   * resume point is older than the log keeps. A resume point this API never issued is
   * BAD_REQUEST. Keep-alive pings come while nothing happens. While the database is away the
   * stream stays open and catches up once it is back. It ends with UNAUTHORIZED when its token
   * expires or its session ends (signed out): resubscribe with a fresh token.
   */
  events: workspaceProcedure
    .input(z.object({ lastEventId: z.string().max(LIVE_POSITION_MAX_LENGTH).nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      try {
        for await (const streamed of streamLiveEvents(ctx.services, ctx.actor, {
          workspaceId: ctx.workspace.id,
          lastEventId: input.lastEventId ?? null,
          signal,
        })) {
          yield tracked(streamed.id, streamed.event);
        }
      } catch (error) {
        // Thrown while streaming, past the procedure's middleware: mapped here the same way (a bad
        // lastEventId is BAD_REQUEST; SERVICE_UNAVAILABLE tells the client to reconnect later).
        const known = asAppError(error);
        throw known ? toTRPCError(known) : error;
      }
    }),
});
