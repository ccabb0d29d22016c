// Re-seals every device token under the key ring's first key, with `npm run tokens:rotate`, so an
// old key can be retired without dropping the devices it sealed.
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Database } from '../db/database.ts';
import { sealAddress, unsealAddress } from './device-token.ts';
import type { Platform } from './push.schemas.ts';

export async function rotateDeviceTokenKeys(
  db: Database,
  cipher: TokenCipher,
): Promise<{ resealed: number }> {
  return db.withService(async (trx) => {
    const rows = await trx
      .selectFrom('push_devices')
      .select(['id', 'platform', 'token_hash', 'token'])
      .forUpdate()
      .execute();
    let resealed = 0;
    for (const row of rows) {
      if (cipher.keyIdOf(row.token) === cipher.activeKeyId) continue;
      const address = unsealAddress(cipher, row.platform as Platform, row.token, row.token_hash);
      await trx
        .updateTable('push_devices')
        .set({ token: sealAddress(cipher, address, row.token_hash) })
        .where('id', '=', row.id)
        .execute();
      resealed += 1;
    }
    return { resealed };
  });
}
