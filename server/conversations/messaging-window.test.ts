import { describe, expect, it } from 'vitest';
import { messagingWindow } from './messaging-window.ts';

const last = new Date('2026-11-20T12:00:00Z');
const hoursLater = (hours: number) => new Date(last.getTime() + hours * 3600 * 1000);
const window = (hours: number, overrides: Partial<Parameters<typeof messagingWindow>[0]> = {}) =>
  messagingWindow({
    lastInboundAt: last,
    now: hoursLater(hours),
    humanAgentEnabled: true,
    sentByHuman: true,
    ...overrides,
  });

describe('messagingWindow', () => {
  it('allows a standard reply within 24 hours of the last customer message', () => {
    expect(window(0)).toEqual({ kind: 'standard', closesAt: hoursLater(24) });
    expect(window(23.99).kind).toBe('standard');
  });

  it('allows a human operator the HUMAN_AGENT tag from 24 hours to 7 days', () => {
    expect(window(24)).toEqual({ kind: 'human_agent', closesAt: hoursLater(168) });
    expect(window(167.9).kind).toBe('human_agent');
  });

  it('refuses automations and workspaces without Human Agent after 24 hours, with the reason', () => {
    expect(window(30, { sentByHuman: false })).toMatchObject({
      kind: 'closed',
      reason: expect.stringMatching(/Only a person/),
    });
    expect(window(30, { humanAgentEnabled: false })).toMatchObject({
      kind: 'closed',
      reason: expect.stringMatching(/does not use Human Agent/),
    });
  });

  it('refuses after 7 days, and when the customer never wrote', () => {
    expect(window(168)).toMatchObject({ kind: 'closed', reason: expect.stringMatching(/More than 7 days/) });
    expect(
      messagingWindow({ lastInboundAt: null, now: last, humanAgentEnabled: true, sentByHuman: true }),
    ).toMatchObject({
      kind: 'closed',
      reason: expect.stringMatching(/not written/),
    });
  });
});
