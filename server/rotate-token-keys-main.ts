// `npm run tokens:rotate`: re-encrypts every stored token under the first key of
// TOKEN_ENCRYPTION_KEYS (all at once, in one transaction).
import './load-env-file.ts';
import { rotateTokenKeys } from './accounts/index.ts';
import { getRuntime } from './runtime.ts';

const runtime = getRuntime();
try {
  const { reencrypted } = await rotateTokenKeys(runtime.db, runtime.cipher);
  console.log(`Re-encrypted ${reencrypted} token(s) under key "${runtime.cipher.activeKeyId}".`);
} finally {
  await runtime.close();
}
