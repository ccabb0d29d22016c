// The requests the typed Graph calls make, checked without a simulator; the send and connect
// tests check the same requests end to end against the Meta simulator.
import { describe, expect, it } from 'vitest';
import { readSubscriptions, sendMessage, subscriberId } from './graph-api.ts';
import type { GraphClient, GraphRequest } from './graph-client.ts';

function recording(answer: unknown): { graph: GraphClient; requests: GraphRequest[] } {
  const requests: GraphRequest[] = [];
  const graph = {
    async request<T>(request: GraphRequest): Promise<T> {
      requests.push(request);
      return answer as T;
    },
  };
  return { graph, requests };
}

const instagram = { loginPath: 'instagram' as const, channelIdentifier: '1784', providerAccountId: '99' };
const facebook = { loginPath: 'facebook' as const, channelIdentifier: '1784', providerAccountId: '555' };

describe('subscriberId', () => {
  it('is the Instagram account on Instagram Login and its Page on Facebook Login', () => {
    expect(subscriberId(instagram)).toBe('1784');
    expect(subscriberId(facebook)).toBe('555');
    expect(subscriberId({ ...facebook, providerAccountId: null })).toBeNull();
  });
});

describe('sendMessage', () => {
  it('posts to the account on Instagram Login, with the reply and the HUMAN_AGENT tag', async () => {
    const { graph, requests } = recording({ message_id: 'mid.1' });
    const sent = await sendMessage(graph, instagram, 'token', {
      recipientId: 'igsid',
      content: { text: 'hello' },
      replyToMid: 'mid.0',
      humanAgent: true,
    });
    expect(sent).toEqual({ messageId: 'mid.1' });
    expect(requests).toEqual([
      {
        loginPath: 'instagram',
        method: 'POST',
        path: '1784/messages',
        token: 'token',
        body: {
          recipient: { id: 'igsid' },
          message: { text: 'hello' },
          reply_to: { mid: 'mid.0' },
          messaging_type: 'MESSAGE_TAG',
          tag: 'HUMAN_AGENT',
        },
      },
    ]);
  });

  it('posts an attachment to /me on Facebook Login, and fails on an answer without an id', async () => {
    const { graph, requests } = recording({});
    const message = {
      recipientId: 'igsid',
      content: { attachment: 'image', url: 'https://x.test/a.png' },
      replyToMid: null,
      humanAgent: false,
    };
    await expect(sendMessage(graph, facebook, 'token', message)).rejects.toThrow('without a message_id');
    expect(requests[0]?.path).toBe('me/messages');
    expect(requests[0]?.body).toEqual({
      recipient: { id: 'igsid' },
      message: { attachment: { type: 'image', payload: { url: 'https://x.test/a.png' } } },
    });
  });
});

describe('readSubscriptions', () => {
  it("keeps only our app's fields from a Page's list", async () => {
    const { graph, requests } = recording({
      data: [
        { id: 'ours', subscribed_fields: ['messages', 'message_edit'] },
        { id: 'another-crm', subscribed_fields: ['messaging_seen'] },
      ],
    });
    expect(await readSubscriptions(graph, facebook, 'token', ['ours'])).toEqual(['messages', 'message_edit']);
    expect(requests[0]?.path).toBe('555/subscribed_apps');
  });

  it("takes an Instagram account's one unnamed entry as ours", async () => {
    const { graph } = recording({ data: [{ subscribed_fields: ['messages'] }] });
    expect(await readSubscriptions(graph, instagram, 'token', ['ours'])).toEqual(['messages']);
  });
});
