// A LISTEN session Postgres drops (a restart, a failover) comes back by itself, says so, and
// hears notifications again.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { startListener } from './listener.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** Resolves with the next value `register` hands to its callback. */
function next<T>(register: (resolve: (value: T) => void) => void): Promise<T> {
  return new Promise((resolve) => register(resolve));
}

it('reconnects after Postgres ends its session, and hears notifications again', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  let onNotification = (_payload: string) => {};
  let onReconnect = () => {};
  const listener = await startListener({
    url: database.appUrl,
    channel: 'listener_test',
    name: 'listener-test',
    onNotification: (payload) => onNotification(payload),
    onReconnect: () => onReconnect(),
    backoffMs: { first: 10, max: 100 },
  });
  try {
    let heard = next<string>((resolve) => {
      onNotification = resolve;
    });
    await database.query("select pg_notify('listener_test', 'before')");
    expect(await heard).toBe('before');

    const back = next<void>((resolve) => {
      onReconnect = resolve;
    });
    await database.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'listener-test'",
    );
    await back;
    heard = next<string>((resolve) => {
      onNotification = resolve;
    });
    await database.query("select pg_notify('listener_test', 'after')");
    expect(await heard).toBe('after');
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^listener-test: listener lost \(terminating connection/),
    );
    expect(warn).toHaveBeenCalledWith('listener-test: listening again');
  } finally {
    await listener.close();
    warn.mockRestore();
  }
});
