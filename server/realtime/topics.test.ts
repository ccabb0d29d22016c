// The names mobile clients and browsers already in the field match on: the module may be tidied,
// these strings may not change (a new name is a new event, added beside the old one).
import { expect, it } from 'vitest';
import { BROADCAST_EVENTS, conversationTopic, LOG_ONLY_EVENTS, workspaceTopic } from './topics.ts';

it('keeps the published names clients depend on', () => {
  expect(workspaceTopic('w1')).toBe('workspace:w1');
  expect(conversationTopic('c1')).toBe('conversation:c1');
  expect(Object.values(BROADCAST_EVENTS).sort()).toEqual([
    'connection_deleted',
    'connection_updated',
    'conversation_updated',
    'history_import_updated',
    'lead_created',
    'message_created',
    'message_updated',
    'team_updated',
  ]);
  expect(Object.values(LOG_ONLY_EVENTS).sort()).toEqual(['conversation_deleted', 'message_deleted']);
});
