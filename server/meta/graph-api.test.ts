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

describe('sendMessage: rich content (reference §5.2)', () => {
  const body = async (content: Parameters<typeof sendMessage>[3]['content']) => {
    const { graph, requests } = recording({ message_id: 'mid.2' });
    await sendMessage(graph, instagram, 'token', {
      recipientId: 'igsid',
      content,
      replyToMid: null,
      humanAgent: false,
    });
    return requests[0]?.body;
  };

  it('quick replies ride on the text as text quick replies', async () => {
    expect(
      await body({ text: 'What do you need?', quickReplies: [{ title: 'Book a visit', payload: 'BOOK' }] }),
    ).toEqual({
      recipient: { id: 'igsid' },
      message: {
        text: 'What do you need?',
        quick_replies: [{ content_type: 'text', title: 'Book a visit', payload: 'BOOK' }],
      },
    });
    expect(await body({ text: 'plain', quickReplies: [] })).toEqual({
      recipient: { id: 'igsid' },
      message: { text: 'plain' },
    });
  });

  it('several images go as message.attachments in one call', async () => {
    expect(await body({ images: ['https://x.test/1.jpg', 'https://x.test/2.jpg'] })).toEqual({
      recipient: { id: 'igsid' },
      message: {
        attachments: [
          { type: 'image', payload: { url: 'https://x.test/1.jpg' } },
          { type: 'image', payload: { url: 'https://x.test/2.jpg' } },
        ],
      },
    });
  });

  it('cards go as a generic template, leaving out what a card does not have', async () => {
    expect(
      await body({
        cards: [
          {
            title: 'Linen shirt',
            subtitle: '€49',
            imageUrl: 'https://x.test/s.jpg',
            url: 'https://shop.test/p/1',
            buttons: [
              { type: 'web_url', title: 'View', url: 'https://shop.test/p/1', payload: null },
              { type: 'postback', title: 'Ask', url: null, payload: 'ASK_P1' },
            ],
          },
          { title: 'Socks', subtitle: null, imageUrl: null, url: null, buttons: [] },
        ],
      }),
    ).toEqual({
      recipient: { id: 'igsid' },
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            elements: [
              {
                title: 'Linen shirt',
                subtitle: '€49',
                image_url: 'https://x.test/s.jpg',
                default_action: { type: 'web_url', url: 'https://shop.test/p/1' },
                buttons: [
                  { type: 'web_url', title: 'View', url: 'https://shop.test/p/1' },
                  { type: 'postback', title: 'Ask', payload: 'ASK_P1' },
                ],
              },
              { title: 'Socks' },
            ],
          },
        },
      },
    });
  });

  it('a PDF goes as a file attachment', async () => {
    expect(await body({ attachment: 'file', url: 'https://x.test/menu.pdf' })).toEqual({
      recipient: { id: 'igsid' },
      message: { attachment: { type: 'file', payload: { url: 'https://x.test/menu.pdf' } } },
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
