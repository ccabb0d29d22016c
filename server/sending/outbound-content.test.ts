import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { planParts } from './outbound-content.ts';

const refusal = (content: Parameters<typeof planParts>[0]) => {
  try {
    planParts(content);
  } catch (error) {
    if (error instanceof AppError) return error.message;
  }
  return undefined;
};

describe('planParts', () => {
  it('text first, then the attachment', () => {
    expect(
      planParts({ text: 'Here you go', attachment: { url: 'https://cdn.example.com/menu.pdf' } }),
    ).toEqual([
      { kind: 'text', text: 'Here you go' },
      { kind: 'attachment', type: 'file', url: 'https://cdn.example.com/menu.pdf' },
    ]);
  });

  it.each([
    ['https://i.example.com/vi/x/hq720.jpg?sqp=abc&rs=def', 'image'],
    ['https://cdn.example.com/a.PNG', 'image'],
    ['https://cdn.example.com/clip.mov', 'video'],
    ['https://cdn.example.com/clip.mp4', 'video'],
    ['https://cdn.example.com/note.m4a', 'audio'],
  ])('reads the type of %s from its extension: %s', (url, type) => {
    expect(planParts({ attachment: { url } })).toEqual([{ kind: 'attachment', type, url }]);
  });

  it('takes the type the operator names, also for extensions that are ambiguous or absent', () => {
    expect(
      planParts({ attachment: { url: 'https://cdn.example.com/voice.mp4', type: 'audio' } })[0],
    ).toMatchObject({
      type: 'audio',
    });
    expect(
      planParts({ attachment: { url: 'https://cdn.example.com/download?id=4', type: 'image' } })[0],
    ).toMatchObject({ type: 'image' });
  });

  it('measures text in UTF-8 bytes, as Meta does', () => {
    expect(planParts({ text: '😀'.repeat(250) })).toHaveLength(1); // 1000 bytes
    expect(refusal({ text: '😀'.repeat(251) })).toBe(
      'The message is 1004 bytes long; Instagram accepts at most 1000 bytes (UTF-8)',
    );
  });

  it.each([
    [{}, 'Write a message or attach a file'],
    [{ text: '\n ' }, 'Write a message or attach a file'],
    [{ attachment: { url: 'ftp://cdn.example.com/a.jpg' } }, 'The attachment URL must use https'],
    [
      { attachment: { url: 'https://user:pw@cdn.example.com/a.jpg' } },
      'must not contain a user name or password',
    ],
    [
      { attachment: { url: `https://cdn.example.com/${'a'.repeat(2100)}.jpg` } },
      'longer than 2048 characters',
    ],
    [
      { attachment: { url: 'https://cdn.example.com/clip.mov', type: 'audio' as const } },
      'cannot be sent as audio',
    ],
  ])('refuses %j', (content, message) => {
    expect(refusal(content)).toContain(message);
  });
});
