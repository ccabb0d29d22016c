import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { createTokenCipher, newKeySpec, parseKeyRing } from '../crypto/token-cipher.ts';
import { addressOf, hashOf, sealAddress, unsealAddress } from './device-token.ts';
import { rotateDeviceTokenKeys } from './rotate-device-keys.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

it('re-seals device tokens under the first key, so the old one can be retired', async () => {
  const [oldKey, newKey] = [newKeySpec('old'), newKeySpec('new')];
  const before = createTokenCipher(parseKeyRing(oldKey));
  const { rows } = await database.query<{ id: string }>(
    `insert into auth.users (id, email) values (gen_random_uuid(), 'rotate@example.test') returning id`,
  );
  const address = addressOf({ platform: 'expo', token: 'ExponentPushToken[rotate-me-000001]' });
  const hash = hashOf(address);
  await database.query(
    `insert into push_devices (user_id, session_id, platform, token_hash, token)
     values ($1, gen_random_uuid(), 'expo', $2, $3)`,
    [rows[0]?.id, hash, sealAddress(before, address, hash)],
  );
  const during = createTokenCipher(parseKeyRing(`${newKey},${oldKey}`));
  expect(await rotateDeviceTokenKeys(database.db, during)).toEqual({ resealed: 1, dropped: 0 });
  expect(await rotateDeviceTokenKeys(database.db, during)).toEqual({ resealed: 0, dropped: 0 });
  const after = createTokenCipher(parseKeyRing(newKey));
  const [row] = (await database.query<{ token: string }>('select token from push_devices')).rows;
  expect(unsealAddress(after, 'expo', row?.token as string, hash)).toEqual(address);
});

it('a device whose token no key of the ring opens is dropped and counted; the others are re-sealed', async () => {
  await database.query('delete from push_devices');
  const [gone, oldKey, newKey] = [newKeySpec('gone'), newKeySpec('old'), newKeySpec('new')];
  const { rows } = await database.query<{ id: string }>(
    `insert into auth.users (id, email) values (gen_random_uuid(), 'rotate-lost@example.test') returning id`,
  );
  const device = async (spec: string, token: string) => {
    const address = addressOf({ platform: 'expo', token });
    const hash = hashOf(address);
    const sealed = sealAddress(createTokenCipher(parseKeyRing(spec)), address, hash);
    await database.query(
      `insert into push_devices (user_id, session_id, platform, token_hash, token)
       values ($1, gen_random_uuid(), 'expo', $2, $3)`,
      [rows[0]?.id, hash, sealed],
    );
    return { address, hash };
  };
  // Registered before and after the lost one: one unreadable token does not stop the rest.
  const before = await device(oldKey, 'ExponentPushToken[rotate-before-01]');
  await device(gone, 'ExponentPushToken[rotate-key-gone-1]');
  const after = await device(oldKey, 'ExponentPushToken[rotate-after-001]');

  const during = createTokenCipher(parseKeyRing(`${newKey},${oldKey}`));
  expect(await rotateDeviceTokenKeys(database.db, during)).toEqual({ resealed: 2, dropped: 1 });
  const left = await database.query<{ token_hash: string; token: string }>(
    'select token_hash, token from push_devices order by token_hash',
  );
  const only = createTokenCipher(parseKeyRing(newKey));
  expect(left.rows.map((r) => unsealAddress(only, 'expo', r.token, r.token_hash))).toEqual(
    [before, after].sort((a, b) => (a.hash < b.hash ? -1 : 1)).map((d) => d.address),
  );
});
