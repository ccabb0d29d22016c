import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { createTokenCipher, newKeySpec, parseKeyRing, tokenContext } from '../crypto/token-cipher.ts';
import { rotateTokenKeys } from './rotate-token-keys.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

it('re-encrypts every token under the new key; the old key is then no longer needed', async () => {
  const oldKey = newKeySpec('old');
  const oldCipher = createTokenCipher(parseKeyRing(oldKey));
  const ids = [randomUUID(), randomUUID()];
  for (const [i, id] of ids.entries()) {
    await database.query(
      `with w as (insert into workspaces (name) values ('S') returning id)
       insert into channel_connections (id, workspace_id, login_path, channel_identifier, access_token)
       select $1, id, 'instagram', $2, $3 from w`,
      [id, `178414000000007${i}`, oldCipher.encrypt(`IGAAsecret${i}`, tokenContext(id, 'access_token'))],
    );
  }
  const newKey = newKeySpec('new');
  const rotating = createTokenCipher(parseKeyRing(`${newKey},${oldKey}`));
  expect(await rotateTokenKeys(database.db, rotating)).toEqual({ reencrypted: 2 });
  expect(await rotateTokenKeys(database.db, rotating)).toEqual({ reencrypted: 0 });

  const onlyNew = createTokenCipher(parseKeyRing(newKey));
  const { rows } = await database.query<{ id: string; access_token: string }>(
    'select id, access_token from channel_connections order by channel_identifier',
  );
  expect(rows.map((r) => onlyNew.decrypt(r.access_token, tokenContext(r.id, 'access_token')))).toEqual([
    'IGAAsecret0',
    'IGAAsecret1',
  ]);
});
