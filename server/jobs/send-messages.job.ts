import { z } from 'zod';
import { type SendDeps, sendOutboundMessages } from '../inbox/send-outbound-messages.ts';
import { defineJob } from './job.ts';
import { QUEUES } from './queue.ts';

export const sendMessagesJob = defineJob({
  queue: QUEUES.sendMessages,
  /** The parts of one reply, in the order they must reach the customer. */
  payload: z.object({ messageIds: z.array(z.uuid()).min(1) }),
  // Enough calls in flight to fill Meta's 100/s per account while each waits on the network.
  concurrency: 16,
  run: (deps: SendDeps, { messageIds }) => sendOutboundMessages(deps, messageIds),
});
