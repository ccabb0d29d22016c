// An Instagram account of the Meta simulator connected to a workspace with a working token, and
// conversations with customers who all wrote a moment ago (so the messaging window is open): what
// the send benchmarks reply into.

import type { MetaSimulator } from '#dev/meta/simulator.ts';
import type { Account, Customer } from '#dev/meta/world.ts';
import { sealToken } from '#server/meta/graph-api.ts';
import type { Services } from '#server/services.ts';

export interface SimulatorAccount {
  account: Account;
  customers: Customer[];
  workspaceId: string;
  connectionId: string;
  /** One conversation per customer, in the order of `customers`. */
  conversations: string[];
}

export async function connectSimulatorAccount(
  services: Services,
  meta: MetaSimulator,
  options: {
    username: string;
    customers: number;
    /** The workspace to connect it to (an operator's); a new one when omitted. */
    workspaceId?: string;
  },
): Promise<SimulatorAccount> {
  const account = meta.addAccount({ username: options.username });
  const customers = Array.from({ length: options.customers }, (_, i) =>
    meta.addCustomer({ username: `${options.username}.buyer.${i}` }),
  );
  for (const customer of customers)
    meta.sendText({ account: account.igId, customer: customer.igsid, text: 'Hi' });
  return services.db.withService(async (trx) => {
    const workspaceId =
      options.workspaceId ??
      (await trx.insertInto('workspaces').values({ name: 'Bench' }).returning('id').executeTakeFirstOrThrow())
        .id;
    const connection = await trx
      .insertInto('channel_connections')
      .values({ workspace_id: workspaceId, login_path: 'instagram', channel_identifier: account.igId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('channel_connections')
      .set({
        access_token: sealToken(services.cipher, connection.id, account.accessToken),
      })
      .where('id', '=', connection.id)
      .execute();
    const rows = await trx
      .insertInto('conversations')
      .values(
        customers.map((customer) => ({
          workspace_id: workspaceId,
          channel_connection_id: connection.id,
          contact_identifier: customer.igsid,
          last_inbound_at: new Date(),
        })),
      )
      .returning('id')
      .execute();
    return {
      account,
      customers,
      workspaceId,
      connectionId: connection.id,
      conversations: rows.map((row) => row.id),
    };
  });
}
