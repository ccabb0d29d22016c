// Re-seals every device token under the key ring's first key, with `npm run tokens:rotate`, so an
// old key can be retired without dropping the devices it sealed. A token no key of the ring opens
// cannot reach its device any more: that device is dropped (decision 024), counted, and the rest
// are re-sealed all the same; its app registers again at its next start.
import { type TokenCipher, TokenDecryptionError } from '../crypto/token-cipher.ts';
import type { Database } from '../db/database.ts';
import { type DeviceAddress, sealAddress, unsealAddress } from './device-token.ts';
import { forgetDevices } from './devices.repository.ts';
import type { Platform } from './push.schemas.ts';

export async function rotateDeviceTokenKeys(
  db: Database,
  cipher: TokenCipher,
): Promise<{ resealed: number; dropped: number }> {
  return db.withService(async (trx) => {
    const rows = await trx
      .selectFrom('push_devices')
      .select(['id', 'platform', 'token_hash', 'token'])
      .forUpdate()
      .execute();
    let resealed = 0;
    const unreadable: string[] = [];
    for (const row of rows) {
      if (cipher.keyIdOf(row.token) === cipher.activeKeyId) continue;
      let address: DeviceAddress;
      try {
        address = unsealAddress(cipher, row.platform as Platform, row.token, row.token_hash);
      } catch (error) {
        if (!(error instanceof TokenDecryptionError)) throw error;
        unreadable.push(row.id);
        continue;
      }
      await trx
        .updateTable('push_devices')
        .set({ token: sealAddress(cipher, address, row.token_hash) })
        .where('id', '=', row.id)
        .execute();
      resealed += 1;
    }
    await forgetDevices(trx, unreadable);
    return { resealed, dropped: unreadable.length };
  });
}
