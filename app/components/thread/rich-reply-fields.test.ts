// What the composer's rich fields hand to messages.send: only what was filled in, in the shapes
// the server checks (the limits are the server's to enforce).
import { describe, expect, it } from 'vitest';
import {
  attachInput,
  emptyAttach,
  newCard,
  newQuickReply,
  quickRepliesInput,
  templateInput,
} from './rich-reply-fields.tsx';

describe('the composer’s rich fields', () => {
  it('send one link as the attachment it always was, several as images in one message', () => {
    expect(attachInput(emptyAttach)).toEqual({});
    expect(attachInput({ urls: [' https://x.test/menu.pdf '], type: 'file' })).toEqual({
      attachment: { url: 'https://x.test/menu.pdf', type: 'file' },
    });
    expect(attachInput({ urls: ['https://x.test/a.jpg'], type: '' })).toEqual({
      attachment: { url: 'https://x.test/a.jpg', type: undefined },
    });
    expect(
      attachInput({ urls: ['https://x.test/a.jpg', '', 'https://x.test/b.jpg'], type: 'image' }),
    ).toEqual({
      attachments: [
        { url: 'https://x.test/a.jpg', type: 'image' },
        { url: 'https://x.test/b.jpg', type: 'image' },
      ],
    });
  });

  it('leave out empty quick replies, and a payload left blank (the server makes it the title)', () => {
    expect(quickRepliesInput([newQuickReply()])).toEqual({});
    expect(
      quickRepliesInput([
        { title: 'Yes', payload: 'YES' },
        newQuickReply(),
        { title: 'Later', payload: ' ' },
      ]),
    ).toEqual({ quickReplies: [{ title: 'Yes', payload: 'YES' }, { title: 'Later' }] });
  });

  it('build cards with their optional fields left out when blank, and each button by its kind', () => {
    expect(templateInput([])).toEqual({});
    expect(
      templateInput([
        {
          ...newCard(),
          title: 'Linen shirt',
          defaultUrl: ' https://shop.test/p/1 ',
          buttons: [
            { type: 'web_url', title: 'View', value: 'https://shop.test/p/1' },
            { type: 'postback', title: 'Ask', value: 'ASK' },
          ],
        },
      ]),
    ).toEqual({
      template: {
        elements: [
          {
            title: 'Linen shirt',
            subtitle: undefined,
            imageUrl: undefined,
            defaultUrl: 'https://shop.test/p/1',
            buttons: [
              { type: 'web_url', title: 'View', url: 'https://shop.test/p/1' },
              { type: 'postback', title: 'Ask', payload: 'ASK' },
            ],
          },
        ],
      },
    });
  });
});
