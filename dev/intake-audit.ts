// What the inbox made of the webhook deliveries it acknowledged, read back from the database, for
// tests and benchmarks that drive the real endpoint: a connected account to deliver to, the wait
// until ingest has worked through everything the ledger stored, and the count of acknowledged
// messages lost or stored twice.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

/** A database client: a pg pool, or a test database's superuser client. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** A random business account id (IG_ID), in Meta's 1784… form. */
export function newInstagramAccountId(): string {
  return `1784${randomBytes(6).readUIntBE(0, 6).toString().padStart(13, '0')}`;
}

/** A workspace of its own with one connected Instagram account, so tests never share counts. */
export async function connectInstagramAccount(
  database: Queryable,
  igId = newInstagramAccountId(),
): Promise<{ igId: string; workspaceId: string; connectionId: string }> {
  const { rows } = await database.query<{ w: string; c: string }>(
    `with w as (insert into workspaces (name) values ('Shop') returning id)
     insert into channel_connections (workspace_id, login_path, channel_identifier, display_name)
     select id, 'instagram', $1, '@shop' from w returning workspace_id as w, id as c`,
    [igId],
  );
  const row = rows[0];
  if (!row) throw new Error('the connection was not stored');
  return { igId, workspaceId: row.w, connectionId: row.c };
}

/** Stored deliveries ingest has not finished, plus ingest jobs queued, retrying or running. */
export async function ingestBacklog(database: Queryable): Promise<number> {
  // A delivery is stored and its ingest job queued in one transaction, and the endpoint answers
  // only after that commit: once both counts are zero, ingest has seen everything acknowledged.
  const { rows } = await database.query<{ waiting: string }>(
    `select (select count(*) from webhook_events where status = 'RECEIVED')
          + (select count(*) from pgboss.job
              where name = 'ingest-webhook-events' and state in ('created', 'retry', 'active'))
       as waiting`,
  );
  return Number(rows[0]?.waiting);
}

/** Resolves once the ingest backlog is empty; asked again every `pollMs`. */
export async function waitForIngest(
  database: Queryable,
  options: { timeoutMs: number; pollMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while ((await ingestBacklog(database)) > 0) {
    if (Date.now() > deadline) throw new Error(`ingest did not finish within ${options.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
  }
}

/** How many of these message ids are in the inbox (each counted once, however often stored). */
export async function messagesInInbox(database: Queryable, mids: readonly string[]): Promise<number> {
  const { rows } = await database.query<{ n: string }>(
    'select count(distinct external_message_id) as n from conversation_messages where external_message_id = any($1)',
    [mids],
  );
  return Number(rows[0]?.n);
}

export interface IntakeAudit {
  /** Messages whose delivery was answered 200. */
  acked: number;
  /** Of those, in the inbox. */
  stored: number;
  /** Acknowledged, and not in the inbox. */
  lost: number;
  /** In the inbox more than once. */
  duplicated: number;
  /** Acknowledged, and not in the webhook ledger. */
  notInLedger: number;
  /**
   * Ledger rows beyond one per message: a delivery stored whose answer never arrived (a connection
   * cut after the commit) and that Meta then sent again. Ingest applies such a copy no more.
   */
  ledgerCopies: number;
  /** Ledger rows of these messages that ingest has not processed. */
  unprocessed: number;
}

/**
 * Checks every acknowledged message against the inbox and the ledger. The deliveries must carry
 * one message each (as the flood sends them), so a ledger row is found by its message id.
 */
export async function auditIntake(database: Queryable, ackedMids: readonly string[]): Promise<IntakeAudit> {
  const { rows } = await database.query<Record<keyof IntakeAudit, string>>(
    `with acked as (select distinct unnest($1::text[]) as mid),
          inbox as (
            select external_message_id as mid, count(*) as n from conversation_messages
             where external_message_id = any($1) group by 1),
          ledger as (
            select mid, count(*) as n, count(*) filter (where status <> 'PROCESSED') as unprocessed
              from (select status,
                           convert_from(raw_body, 'UTF8')::jsonb #>> '{entry,0,messaging,0,message,mid}' as mid
                      from webhook_events) as deliveries
             where mid = any($1) group by 1)
     select count(*) as acked,
            count(inbox.mid) as stored,
            count(*) filter (where inbox.mid is null) as lost,
            count(*) filter (where inbox.n > 1) as duplicated,
            count(*) filter (where ledger.mid is null) as "notInLedger",
            coalesce(sum(ledger.n - 1), 0) as "ledgerCopies",
            coalesce(sum(ledger.unprocessed), 0) as unprocessed
       from acked left join inbox using (mid) left join ledger using (mid)`,
    [ackedMids],
  );
  const row = rows[0];
  if (!row) throw new Error('the audit returned nothing');
  return {
    acked: Number(row.acked),
    stored: Number(row.stored),
    lost: Number(row.lost),
    duplicated: Number(row.duplicated),
    notInLedger: Number(row.notInLedger),
    ledgerCopies: Number(row.ledgerCopies),
    unprocessed: Number(row.unprocessed),
  };
}
