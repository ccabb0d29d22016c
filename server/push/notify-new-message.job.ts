import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { type NotifyServices, notifyNewMessage } from './notify-new-message.ts';

export const notifyNewMessageJob = defineJob({
  queue: 'push-new-message',
  payload: z.object({ workspaceId: z.uuid(), conversationId: z.uuid(), messageId: z.uuid() }),
  concurrency: 4,
  run: (services: NotifyServices, ref) => notifyNewMessage(services, ref),
});
