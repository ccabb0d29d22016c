// Expo's push service (https://docs.expo.dev/push-notifications/sending-notifications/): up to
// 100 messages per POST to /--/api/v2/push/send, answered with one ticket per message in order.
// A ticket's `DeviceNotRegistered` forgets the device; `MessageRateExceeded` and a 429 or 5xx for
// the whole request are tried again. Receipts, read later (getReceipts, up to 1000 ids a call),
// say whether Apple or Google took each one, and `DeviceNotRegistered` there forgets the device
// too. Only error codes are kept: Expo's messages quote the token.
import { z } from 'zod';
import { callService, isAnswer, isTransientStatus, parseJson } from './http.ts';
import {
  dataOf,
  NOTIFICATION_TTL_SECONDS,
  type Outbound,
  type PushSender,
  type ReceiptOutcome,
  type SendOutcome,
} from './sender.ts';

/** Expo's documented limits per request: messages sent, receipts read. */
export const EXPO_BATCH_SIZE = 100;
export const EXPO_RECEIPTS_BATCH_SIZE = 1000;

export interface ExpoConfig {
  baseUrl: string;
  accessToken?: string;
  timeoutMs: number;
}

const TicketSchema = z.union([
  z.object({ status: z.literal('ok'), id: z.string() }),
  z.object({
    status: z.literal('error'),
    details: z.object({ error: z.string().optional() }).loose().optional(),
  }),
]);
const AnswerSchema = z.object({ data: z.array(TicketSchema) });
const ReceiptsSchema = z.object({
  data: z.record(
    z.string(),
    z.union([
      z.object({ status: z.literal('ok') }),
      z.object({
        status: z.literal('error'),
        details: z.object({ error: z.string().optional() }).loose().optional(),
      }),
    ]),
  ),
});

export function createExpoSender(config: ExpoConfig): PushSender {
  const url = new URL('/--/api/v2/push/send', config.baseUrl).toString();
  const receiptsUrl = new URL('/--/api/v2/push/getReceipts', config.baseUrl).toString();
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    ...(config.accessToken ? { Authorization: `Bearer ${config.accessToken}` } : {}),
  };

  async function sendChunk(chunk: Outbound[]): Promise<SendOutcome[]> {
    const body = JSON.stringify(
      chunk.map(({ address, notification }) => ({
        to: address.platform === 'web' ? '' : address.token,
        title: notification.title,
        data: dataOf(notification),
        badge: notification.badge,
        sound: 'default',
        priority: 'high',
        ttl: NOTIFICATION_TTL_SECONDS,
        // Lets the app's notification extension fetch what to show, on the device.
        mutableContent: true,
      })),
    );
    const answer = await callService(url, { method: 'POST', headers, body }, config.timeoutMs);
    if (!isAnswer(answer)) return chunk.map(() => answer);
    if (isTransientStatus(answer.status))
      return chunk.map(() => ({ kind: 'retry', reason: `HTTP ${answer.status}` }));
    if (answer.status !== 200) return chunk.map(() => ({ kind: 'failed', reason: `HTTP ${answer.status}` }));
    const parsed = AnswerSchema.safeParse(parseJson(answer.text));
    if (!parsed.success) return chunk.map(() => ({ kind: 'uncertain', reason: 'unreadable answer' }));
    return chunk.map((_, i): SendOutcome => {
      const ticket = parsed.data.data[i];
      if (!ticket) return { kind: 'uncertain', reason: 'no ticket' };
      if (ticket.status === 'ok') return { kind: 'sent', ref: ticket.id };
      const code = ticket.details?.error ?? 'error';
      if (code === 'DeviceNotRegistered') return { kind: 'gone', reason: code };
      if (code === 'MessageRateExceeded') return { kind: 'retry', reason: code };
      return { kind: 'failed', reason: code };
    });
  }

  return {
    platform: 'expo',
    async send(batch) {
      const outcomes: SendOutcome[] = [];
      for (let i = 0; i < batch.length; i += EXPO_BATCH_SIZE) {
        outcomes.push(...(await sendChunk(batch.slice(i, i + EXPO_BATCH_SIZE))));
      }
      return outcomes;
    },
    async readReceipts(refs) {
      const receipts = new Map<string, ReceiptOutcome>();
      for (let i = 0; i < refs.length; i += EXPO_RECEIPTS_BATCH_SIZE) {
        const ids = refs.slice(i, i + EXPO_RECEIPTS_BATCH_SIZE);
        const answer = await callService(
          receiptsUrl,
          { method: 'POST', headers, body: JSON.stringify({ ids }) },
          config.timeoutMs,
        );
        // Unread receipts are read again at the next round; nothing is lost by waiting.
        if (!isAnswer(answer) || answer.status !== 200) continue;
        const parsed = ReceiptsSchema.safeParse(parseJson(answer.text));
        if (!parsed.success) continue;
        for (const [id, receipt] of Object.entries(parsed.data.data)) {
          if (receipt.status === 'ok') receipts.set(id, { kind: 'delivered' });
          else {
            const code = receipt.details?.error ?? 'error';
            receipts.set(
              id,
              code === 'DeviceNotRegistered'
                ? { kind: 'gone', reason: code }
                : { kind: 'failed', reason: code },
            );
          }
        }
      }
      return receipts;
    },
    close: async () => {},
  };
}
