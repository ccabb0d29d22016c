// Every change the database publishes has its typed form in the API, so an event a trigger adds
// cannot reach a mobile app as something its types do not describe (or be dropped unnoticed).
import { expect, it, vi } from 'vitest';
import { LiveEventSchema, toLiveEvent } from './live-event.schemas.ts';
import { BROADCAST_EVENTS, LOG_ONLY_EVENTS } from './topics.ts';

const ID = '6f1f7a8e-2f7e-4a43-9d0c-3f7d3f6b2a11';
const OTHER = '0c6a9b52-0f43-4b0e-8f53-6a4b9b0c2d10';
const at = new Date('2026-12-03T09:00:00.123Z');

/** A body as its trigger writes it (supabase/migrations/, held to topics.ts by topics.db.test.ts). */
const BODIES: Record<string, Record<string, unknown>> = {
  [BROADCAST_EVENTS.messageCreated]: { message_id: ID, conversation_id: OTHER, status: 'RECEIVED' },
  [BROADCAST_EVENTS.messageUpdated]: { message_id: ID, conversation_id: OTHER, status: 'SENT' },
  [BROADCAST_EVENTS.conversationUpdated]: {
    conversation_id: ID,
    unread_count: 2,
    status: 'ACTIVE',
    version: 7,
  },
  [BROADCAST_EVENTS.leadCreated]: { lead_id: ID, conversation_id: OTHER },
  [BROADCAST_EVENTS.connectionUpdated]: { channel_connection_id: ID, status: 'NEEDS_REAUTH' },
  [BROADCAST_EVENTS.connectionDeleted]: { channel_connection_id: ID, status: 'DELETED' },
  [BROADCAST_EVENTS.teamUpdated]: { change: 'workspace_members' },
  [BROADCAST_EVENTS.historyImportUpdated]: {
    history_import_id: ID,
    channel_connection_id: OTHER,
    status: 'DONE',
  },
  [LOG_ONLY_EVENTS.conversationDeleted]: { conversation_id: ID },
  [LOG_ONLY_EVENTS.messageDeleted]: { message_id: ID, conversation_id: OTHER },
};

it('maps every published change to a typed, camelCase event', () => {
  const names = [...Object.values(BROADCAST_EVENTS), ...Object.values(LOG_ONLY_EVENTS)];
  expect(Object.keys(BODIES).sort()).toEqual([...names].sort());
  for (const event of names) {
    const mapped = toLiveEvent({ event, body: BODIES[event] as Record<string, unknown>, at });
    expect(LiveEventSchema.parse(mapped)).toEqual(mapped);
    expect(mapped?.at).toBe('2026-12-03T09:00:00.123Z');
    expect(JSON.stringify(mapped)).not.toMatch(/"[a-z]+_[a-z_]+":/); // no snake_case key
  }
  expect(
    toLiveEvent({ event: BROADCAST_EVENTS.conversationUpdated, body: BODIES.conversation_updated ?? {}, at }),
  ).toEqual({
    type: 'conversationUpdated',
    conversationId: ID,
    unreadCount: 2,
    status: 'ACTIVE',
    version: 7,
    at: at.toISOString(),
  });
});

it('skips a change this version does not know, and a body that breaks its type, naming only the fields', () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    expect(toLiveEvent({ event: 'something_new', body: {}, at })).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
    expect(
      toLiveEvent({
        event: BROADCAST_EVENTS.messageCreated,
        body: { message_id: 'not-an-id', conversation_id: OTHER, status: 'TELEPORTED' },
        at,
      }),
    ).toBeUndefined();
    expect(warn.mock.calls).toEqual([
      ["live: a logged message_created was skipped; its messageId, status broke the event's type"],
    ]);
    for (const [event, body] of Object.entries(BODIES)) {
      const broken = Object.fromEntries(Object.keys(body).map((key) => [key, 42]));
      if (Object.keys(broken).some((key) => key !== 'change')) {
        expect(toLiveEvent({ event, body: broken, at })).toBeUndefined();
      }
    }
  } finally {
    warn.mockRestore();
  }
});
