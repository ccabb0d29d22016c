// SQL for push_devices. Registering is the server's (the token may belong to another person's
// row, which the caller cannot see); listing and removing one's own devices run as the operator,
// under RLS, and never select the token columns.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { Device, Platform } from './push.schemas.ts';

/** A person's devices beyond this many, least recently seen first, are forgotten on registering. */
export const MAX_DEVICES_PER_USER = 20;

const PUBLIC_COLUMNS = ['id', 'platform', 'app_id', 'label', 'created_at', 'last_seen_at'] as const;

type DeviceRow = {
  id: string;
  platform: string;
  app_id: string | null;
  label: string | null;
  created_at: Date;
  last_seen_at: Date;
};

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    platform: row.platform as Platform,
    appId: row.app_id,
    label: row.label,
    createdAt: row.created_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
  };
}

/**
 * Stores the device for `userId`, or, when its token is known, moves it to them (a shared phone
 * signed in by someone else) with the newest sealed token, app and label. Idempotent.
 */
export async function upsertDevice(
  trx: Tx,
  device: {
    userId: string;
    sessionId: string;
    platform: Platform;
    tokenHash: string;
    sealedToken: string;
    appId: string | null;
    label: string | null;
  },
): Promise<Device> {
  const row = await trx
    .insertInto('push_devices')
    .values({
      user_id: device.userId,
      session_id: device.sessionId,
      platform: device.platform,
      token_hash: device.tokenHash,
      token: device.sealedToken,
      app_id: device.appId,
      label: device.label,
    })
    .onConflict((oc) =>
      oc.column('token_hash').doUpdateSet((eb) => ({
        user_id: eb.ref('excluded.user_id'),
        session_id: eb.ref('excluded.session_id'),
        token: eb.ref('excluded.token'),
        app_id: eb.ref('excluded.app_id'),
        // A device re-registering without a label keeps the one it had, unless it changed hands.
        label: sql<string | null>`case when push_devices.user_id = excluded.user_id
                                   then coalesce(excluded.label, push_devices.label)
                                   else excluded.label end`,
        last_seen_at: sql<Date>`now()`,
      })),
    )
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirstOrThrow();
  return toDevice(row);
}

/** Keeps a person's most recently seen devices; returns how many were forgotten. */
export async function trimDevices(trx: Tx, userId: string, keep = MAX_DEVICES_PER_USER): Promise<number> {
  const result = await trx
    .deleteFrom('push_devices')
    .where('user_id', '=', userId)
    .where(
      'id',
      'not in',
      trx
        .selectFrom('push_devices')
        .select('id')
        .where('user_id', '=', userId)
        .orderBy('last_seen_at', 'desc')
        .orderBy('id', 'desc')
        .limit(keep),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The caller's devices (RLS shows only theirs). */
export async function listOwnDevices(trx: Tx): Promise<Device[]> {
  const rows = await trx
    .selectFrom('push_devices')
    .select(PUBLIC_COLUMNS)
    .orderBy('last_seen_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toDevice);
}

/** As the operator: RLS lets them delete only their own. */
export async function deleteOwnDevice(trx: Tx, deviceId: string): Promise<boolean> {
  const result = await trx.deleteFrom('push_devices').where('id', '=', deviceId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** As the server, for a token the caller names (a browser knows its endpoint, not the device id). */
export async function deleteDeviceByHash(trx: Tx, userId: string, tokenHash: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('push_devices')
    .where('token_hash', '=', tokenHash)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Devices whose registering session has ended (signed out, revoked, past its time limit). */
export async function forgetSignedOutDevices(trx: Tx): Promise<number> {
  const result = await sql`
    delete from public.push_devices d
    where not exists (select 1 from auth.sessions s
                      where s.id = d.session_id and s.user_id = d.user_id
                        and (s.not_after is null or s.not_after > now()))`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

/** The push services said the token is no longer valid, or its key is gone. */
export async function forgetDevices(trx: Tx, deviceIds: string[]): Promise<void> {
  if (deviceIds.length === 0) return;
  await trx.deleteFrom('push_devices').where('id', 'in', deviceIds).execute();
}
