// `npm run tokens:rotate`: re-encrypts every stored token under the first key of
// TOKEN_ENCRYPTION_KEYS (all at once, in one transaction).
import './load-env-file.ts';
import { rotateTokenKeys } from './accounts/index.ts';
import { rotateDeviceTokenKeys } from './push/index.ts';
import { getServices } from './services.ts';

const services = getServices();
try {
  const { reencrypted } = await rotateTokenKeys(services.db, services.cipher);
  console.log(`Re-encrypted ${reencrypted} token(s) under key "${services.cipher.activeKeyId}".`);
  const { resealed } = await rotateDeviceTokenKeys(services.db, services.cipher);
  console.log(`Re-encrypted ${resealed} push device token(s) under key "${services.cipher.activeKeyId}".`);
} finally {
  await services.close();
}
