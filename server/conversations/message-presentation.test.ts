import { describe, expect, it } from 'vitest';
import { plainAttachment } from './jsonb-columns.ts';
import { previewOf } from './message-presentation.ts';

const message = { direction: 'INBOUND' as const, kind: 'text', text: '', attachments: [] };

describe('previewOf', () => {
  it('reads a template as its first card, a sticker as a sticker, a heart as a heart', () => {
    const card = { title: 'Linen shirt, blue', subtitle: null, imageUrl: null, url: null, buttons: [] };
    const template = { ...plainAttachment('template', 'https://cdn.test/t'), elements: [card] };
    expect(previewOf({ ...message, direction: 'OUTBOUND', kind: 'template', attachments: [template] })).toBe(
      'You: 🗂 Linen shirt, blue',
    );
    expect(previewOf({ ...message, kind: 'template', attachments: [plainAttachment('template', 'x')] })).toBe(
      '🗂 Sent a template',
    );
    const sticker = { ...plainAttachment('image', 'https://cdn.test/s'), stickerId: '3692' };
    expect(previewOf({ ...message, kind: 'image', attachments: [sticker] })).toBe('🏷 Sent a sticker');
    expect(previewOf({ ...message, kind: 'like_heart', attachments: [{ kind: 'like_heart' }] })).toBe('❤️');
  });

  it('counts several photos sent at once; one is a photo', () => {
    const photos = [1, 2, 3].map((i) => plainAttachment('image', `https://cdn.test/${i}.jpg`));
    expect(previewOf({ ...message, direction: 'OUTBOUND', kind: 'image', attachments: photos })).toBe(
      'You: 📷 3 photos',
    );
    expect(previewOf({ ...message, kind: 'image', attachments: photos.slice(0, 1) })).toBe('📷 Photo');
  });

  it('says a message was unsent, whatever it held', () => {
    expect(previewOf({ ...message, text: 'secret', unsent: true })).toBe('Message unsent');
  });
});
