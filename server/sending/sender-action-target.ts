// Sender actions (reactions, seen marks, typing) go to a customer on the operator's behalf, so
// they follow the workspace's opt-in switches and Meta's messaging window like replies do.

import { findReplyContext, messagingWindow } from '../conversations/index.ts';
import { continueAsServer, type Tx } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Enqueue } from '../jobs/job.ts';
import type { SenderAction } from '../meta/graph-api.ts';
import { findSendSettings, type SendSettings } from '../team/index.ts';
import { senderActionJob } from './sender-action.job.ts';

export interface SenderActionTarget {
  conversationId: string;
  connectionId: string;
  contactId: string;
  settings: SendSettings;
  /** Meta would take a sender action now (the account is connected and the window open). */
  deliverable: boolean;
}

/**
 * The conversation, read under RLS (another workspace's is not found), with what decides whether
 * a sender action may go out. Leaves the transaction acting as the server.
 */
export async function senderActionTarget(
  trx: Tx,
  ref: { workspaceId: string; conversationId: string },
): Promise<SenderActionTarget> {
  const conversation = await findReplyContext(trx, ref.workspaceId, ref.conversationId);
  if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found in this workspace');
  const settings = (await findSendSettings(trx, ref.workspaceId)) as SendSettings;
  await continueAsServer(trx);
  const window = messagingWindow({
    lastInboundAt: conversation.lastInboundAt,
    now: new Date(),
    humanAgentEnabled: settings.humanAgentEnabled,
    // Sender actions carry no tag, so only the standard 24-hour window admits them.
    sentByHuman: false,
  });
  return {
    conversationId: conversation.conversationId,
    connectionId: conversation.connectionId,
    contactId: conversation.contactId,
    settings,
    deliverable: conversation.connectionStatus === 'CONNECTED' && window.kind !== 'closed',
  };
}

/** Queues the action when the workspace allows it and Meta would take it; says whether it did. */
export async function queueSenderActionIfAllowed(
  trx: Tx,
  enqueue: Enqueue,
  target: SenderActionTarget,
  allowed: boolean,
  senderAction: SenderAction,
): Promise<boolean> {
  if (!allowed || !target.deliverable) return false;
  await enqueue(trx, senderActionJob, {
    connectionId: target.connectionId,
    contactId: target.contactId,
    senderAction,
  });
  return true;
}
