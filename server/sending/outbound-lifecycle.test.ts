// The reply lifecycle as a graph: what the table allows is what the product promises.
import { describe, expect, it } from 'vitest';
import { TRANSITIONS } from './outbound-lifecycle.ts';
import type { OutboundStatus } from './outbound-messages.repository.ts';

const moves = Object.entries(TRANSITIONS).flatMap(([name, { from, to }]) =>
  from.map((source) => ({ name, from: source as OutboundStatus, to: to as OutboundStatus })),
);
const movesFrom = (state: OutboundStatus) => moves.filter((move) => move.from === state && move.to !== state);

describe('the outbound lifecycle', () => {
  it('reaches every state from QUEUED', () => {
    const reached = new Set<OutboundStatus>(['QUEUED']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const move of moves) {
        if (reached.has(move.from) && !reached.has(move.to)) {
          reached.add(move.to);
          grew = true;
        }
      }
    }
    expect([...reached].sort()).toEqual(['FAILED', 'QUEUED', 'SENDING', 'SENT', 'UNCERTAIN']);
  });

  it('calls Meta only from a claim: nothing but QUEUED becomes SENDING', () => {
    expect(moves.filter((move) => move.to === 'SENDING')).toEqual([
      { name: 'claim', from: 'QUEUED', to: 'SENDING' },
    ]);
  });

  it('never queues a reply Meta may already have: nothing SENDING, UNCERTAIN or SENT goes back to QUEUED but a proven refusal', () => {
    const requeues = moves.filter((move) => move.to === 'QUEUED' && move.from !== 'QUEUED');
    expect(requeues.map(({ name, from }) => `${name}:${from}`).sort()).toEqual([
      'backoff:SENDING',
      'retry:FAILED',
    ]);
  });

  it('leaves SENT only when the mid proves it was another reply', () => {
    expect(movesFrom('SENT').map((move) => move.name)).toEqual(['misattributed']);
  });

  it("lets an echo or Meta's answer settle a reply wherever it waits", () => {
    for (const state of ['SENDING', 'UNCERTAIN', 'FAILED'] as const) {
      expect(
        movesFrom(state).some((move) => move.to === 'SENT'),
        state,
      ).toBe(true);
    }
  });
});
