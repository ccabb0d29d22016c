// A simulator account stored as a workspace's connection, the way the connect flow stores it
// (token sealed with the services' cipher), without going through Meta's consent screen.
import type { TokenCipher } from '#server/crypto/token-cipher.ts';
import { sealToken } from '#server/meta/graph-api.ts';
import type { Account } from '../meta/world.ts';
import type { TestDatabase } from './database.ts';

export async function connectSimulatorAccount(
  database: TestDatabase,
  cipher: TokenCipher,
  workspaceId: string,
  account: Account,
): Promise<string> {
  const { rows } = await database.query<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier, provider_account_id, display_name)
     values ($1, $2, $3, $4, $5) returning id`,
    [workspaceId, account.loginPath, account.igId, account.pageId, `@${account.username}`],
  );
  const id = rows[0]?.id as string;
  await database.query('update channel_connections set access_token = $1 where id = $2', [
    sealToken(cipher, id, account.accessToken),
    id,
  ]);
  return id;
}
