// The browser's hold on a Realtime channel, driven with the real realtime-js client (the one
// inside supabase-js here; the browser builds it on its own) against the stand-in: it reports every join, and a channel the server ends (here: a token refreshed while the
// database is away, which hosted Realtime answers by closing the channel) is joined again once it
// can be, so the screen refetches instead of going quiet for good.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { eventually } from '#dev/test/eventually.ts';
import { type SupabaseBehindProxy, startSupabaseBehindProxy } from '#dev/test/supabase-behind-proxy.ts';
import { type Broadcast, keepJoined } from './live-channel.ts';

let database: TestDatabase;
let away: SupabaseBehindProxy;

beforeAll(async () => {
  database = await createTestDatabase();
  away = await startSupabaseBehindProxy(database);
});

afterAll(async () => {
  await away?.stop();
  await database?.drop();
});

it('joins again after the server ends the channel, says so, and hears broadcasts again', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const joins: boolean[] = [];
  const received: Broadcast[] = [];
  const stop = keepJoined(away.client.realtime, away.topic, {
    onBroadcast: (broadcast) => received.push(broadcast),
    onJoined: (rejoined) => joins.push(rejoined),
  });
  try {
    await eventually(() => joins.length === 1);
    expect(joins).toEqual([false]);

    const token = await away.freshToken();
    await away.proxy.refuse();
    await away.client.realtime.setAuth(token); // the refresh hosted Realtime cannot check now
    // Ended by the server, joined again, refused while the database is away.
    await eventually(() => away.client.getChannels().some((channel) => channel.state === 'errored'));
    await away.proxy.restore();
    await eventually(() => joins.length >= 2);
    // Every join after the first is a rejoin (the stand-in's own reconnect may add one more).
    expect(joins[0]).toBe(false);
    expect(joins.slice(1)).toEqual(joins.slice(1).map(() => true));

    // Broadcasts are heard again, once the stand-in listens again too.
    let sentAt = 0;
    await eventually(async () => {
      if (Date.now() - sentAt > 250) {
        sentAt = Date.now();
        await database.query(`select realtime.send('{}'::jsonb, 'after_the_gap', $1, true)`, [away.topic]);
      }
      return received.some((broadcast) => broadcast.event === 'after_the_gap');
    });
  } finally {
    stop();
    warn.mockRestore();
  }
  await eventually(() => away.client.getChannels().length === 0);
});
