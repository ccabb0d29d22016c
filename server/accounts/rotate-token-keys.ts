// Re-encrypts every stored token under the key ring's first key, so an old key can be retired:
// put the new key first in TOKEN_ENCRYPTION_KEYS, run this, then drop the old key.
import type { TokenCipher } from '../crypto/token-cipher.ts';
import type { Database } from '../db/database.ts';
import { sealToken, unsealToken } from '../meta/graph-api.ts';
import { lockSealedTokens, replaceSealedTokens } from './connections.repository.ts';

export async function rotateTokenKeys(db: Database, cipher: TokenCipher): Promise<{ reencrypted: number }> {
  return db.withService(async (trx) => {
    const rows = await lockSealedTokens(trx);
    let reencrypted = 0;
    for (const row of rows) {
      const reseal = (sealed: string | null, column: 'access_token' | 'refresh_token') => {
        if (sealed === null || cipher.keyIdOf(sealed) === cipher.activeKeyId) return sealed;
        reencrypted += 1;
        return sealToken(cipher, row.id, unsealToken(cipher, row.id, sealed, column), column);
      };
      const access = reseal(row.access_token, 'access_token');
      const refresh = reseal(row.refresh_token, 'refresh_token');
      if (access !== row.access_token || refresh !== row.refresh_token) {
        await replaceSealedTokens(trx, row.id, { accessToken: access, refreshToken: refresh });
      }
    }
    return { reencrypted };
  });
}
