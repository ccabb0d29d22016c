import { tracked } from '@trpc/server';
import { z } from 'zod';
import { streamLiveEvents } from '../../realtime/stream-live-events.ts';
import { asAppError, toTRPCError } from '../errors.ts';
import { router, workspaceProcedure } from '../init.ts';

export const liveRouter = router({
  /**
   * The workspace's live events over server-sent events, for mobile apps: the same broadcasts
   * browsers get from Realtime (`message_created`, `conversation_updated`, …, ids only). Each
   * event's id resumes the stream after a reconnect (`lastEventId`); events of the last few
   * seconds before it may come again, so clients apply them by id. A subscription without
   * `lastEventId` starts with `resync`: refetch what you show; its id is where the stream stands.
   * While the database is away the stream stays open and catches up once it is back. It ends
   * with UNAUTHORIZED when its token expires or its session ends: resubscribe with a fresh token.
   */
  events: workspaceProcedure
    .input(z.object({ lastEventId: z.string().max(100).nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      try {
        for await (const event of streamLiveEvents(ctx.services, ctx.actor, {
          workspaceId: ctx.workspace.id,
          lastEventId: input.lastEventId ?? null,
          signal,
        })) {
          yield tracked(event.id, { event: event.event, payload: event.payload, at: event.at });
        }
      } catch (error) {
        // Thrown while streaming, past the procedure's middleware: mapped here the same way (a bad
        // lastEventId is BAD_REQUEST; SERVICE_UNAVAILABLE tells the client to reconnect later).
        const known = asAppError(error);
        throw known ? toTRPCError(known) : error;
      }
    }),
});
