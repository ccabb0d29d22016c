import { z } from 'zod';
import {
  ConversationInput,
  muteConversation,
  NotifySchema,
  PreferencesSchema,
  readPreferences,
  unmuteConversation,
  updatePreferences,
  WebPushConfigSchema,
} from '../../push/index.ts';
import { operatorProcedure, router, workspaceProcedure } from '../init.ts';

const Ok = z.object({ ok: z.literal(true) });

/** What the caller hears about in a workspace (push notifications), and the conversations they muted. */
export const notificationsRouter = router({
  /** What the caller hears about in this workspace (default: all), and the conversations they muted. */
  preferences: workspaceProcedure
    .output(PreferencesSchema)
    .query(({ ctx }) => readPreferences(ctx.db, ctx.actor, ctx.workspace.id)),
  /** Sets what the caller hears about in this workspace: all, only conversations assigned to them, or none. */
  updatePreferences: workspaceProcedure
    .input(z.object({ notify: NotifySchema }))
    .output(PreferencesSchema)
    .mutation(({ ctx, input }) =>
      updatePreferences(ctx.db, ctx.actor, { workspaceId: ctx.workspace.id, notify: input.notify }),
    ),
  /** The caller hears nothing more about this conversation, even when it is assigned to them. */
  mute: workspaceProcedure
    .input(ConversationInput)
    .output(Ok)
    .mutation(async ({ ctx, input }) => {
      await muteConversation(ctx.db, ctx.actor, {
        workspaceId: ctx.workspace.id,
        conversationId: input.conversationId,
      });
      return { ok: true as const };
    }),
  /** Undoes mute: the conversation notifies the caller again as their preferences say. */
  unmute: workspaceProcedure
    .input(ConversationInput)
    .output(Ok)
    .mutation(async ({ ctx, input }) => {
      await unmuteConversation(ctx.db, ctx.actor, {
        workspaceId: ctx.workspace.id,
        conversationId: input.conversationId,
      });
      return { ok: true as const };
    }),
  /** The VAPID public key a browser subscribes with (null: this server sends no Web Push). */
  webPush: operatorProcedure
    .output(WebPushConfigSchema)
    .query(({ ctx }) => ({ vapidPublicKey: ctx.services.push.vapidPublicKey })),
});
