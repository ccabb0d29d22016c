import { z } from 'zod';
import {
  ContactExportSchema,
  ContactInput,
  eraseContact,
  exportContact,
  messagesCsv,
} from '../../privacy/index.ts';
import { router, workspaceAdminProcedure } from '../init.ts';

export const privacyRouter = router({
  /** Everything the workspace holds about a conversation's contact, as JSON and its messages as CSV (admins). */
  exportContact: workspaceAdminProcedure
    .input(ContactInput)
    .output(ContactExportSchema)
    .mutation(async ({ ctx, input }) => {
      const data = await exportContact(ctx.services, ctx.actor, {
        workspaceId: ctx.workspace.id,
        conversationId: input.conversationId,
      });
      return { ...data, messagesCsv: messagesCsv(data) };
    }),
  /** Erases a conversation's contact everywhere the workspace holds them (admins); what was removed. */
  eraseContact: workspaceAdminProcedure
    .input(ContactInput)
    .output(z.record(z.string(), z.number().int()))
    .mutation(({ ctx, input }) =>
      eraseContact(ctx.services, ctx.actor, {
        workspaceId: ctx.workspace.id,
        conversationId: input.conversationId,
      }),
    ),
});
