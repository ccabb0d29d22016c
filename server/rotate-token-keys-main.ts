// `npm run tokens:rotate`: re-encrypts every stored token under the first key of
// TOKEN_ENCRYPTION_KEYS: the OAuth tokens in one transaction, then the push device tokens in
// another. Should the second fail, the first stays done; running it again re-seals only what is
// still under an old key.
import './load-env-file.ts';
import { rotateTokenKeys } from './accounts/index.ts';
import { rotateDeviceTokenKeys } from './push/index.ts';
import { getServices } from './services.ts';

const services = getServices();
try {
  const { reencrypted } = await rotateTokenKeys(services.db, services.cipher);
  console.log(`Re-encrypted ${reencrypted} token(s) under key "${services.cipher.activeKeyId}".`);
  const { resealed, dropped } = await rotateDeviceTokenKeys(services.db, services.cipher);
  console.log(`Re-encrypted ${resealed} push device token(s) under key "${services.cipher.activeKeyId}".`);
  if (dropped > 0) {
    console.warn(
      `Dropped ${dropped} push device(s) whose token no key in TOKEN_ENCRYPTION_KEYS opens; their apps register again at their next start.`,
    );
  }
} finally {
  await services.close();
}
