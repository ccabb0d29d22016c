// A person's devices: registered (idempotent; a token known under someone else moves to the
// caller, as when a shared phone is signed in by a colleague), listed without tokens, removed.
import type { Actor, Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import { addressOf, deviceTokenHash, hashOf, sealAddress } from './device-token.ts';
import {
  deleteDeviceByHash,
  deleteOwnDevice,
  listOwnDevices,
  trimDevices,
  upsertDevice,
} from './devices.repository.ts';
import type { Device, RegisterDevice } from './push.schemas.ts';
import { isAllowedPushEndpoint } from './web-push-endpoint.ts';

export type DeviceServices = Pick<Services, 'db' | 'cipher' | 'env'>;

export async function registerDevice(
  services: DeviceServices,
  actor: Actor,
  input: RegisterDevice,
): Promise<Device> {
  if (
    input.platform === 'web' &&
    !isAllowedPushEndpoint(input.subscription.endpoint, services.env.PUSH_WEB_ENDPOINT_ORIGINS)
  ) {
    throw new AppError('BAD_INPUT', "This browser's push service is not one the server sends to");
  }
  // The verifier admits only tokens naming a live session; the device follows that session.
  const sessionId = actor.claims.session_id;
  if (typeof sessionId !== 'string') throw new AppError('UNAUTHENTICATED', 'Sign in again: no session');
  const address = addressOf(input);
  const tokenHash = hashOf(address);
  const sealedToken = sealAddress(services.cipher, address, tokenHash);
  // As the server: the caller cannot see a row another person registered with this token, and
  // the token is sealed with the server's key. Who it is registered for is the verified caller.
  return services.db.withService(async (trx) => {
    const device = await upsertDevice(trx, {
      userId: actor.userId,
      sessionId,
      platform: input.platform,
      tokenHash,
      sealedToken,
      appId: 'appId' in input ? (input.appId ?? null) : null,
      label: input.label ?? null,
    });
    await trimDevices(trx, actor.userId);
    return device;
  });
}

export function listDevices(db: Database, actor: Actor): Promise<Device[]> {
  return db.withUser(actor, (trx) => listOwnDevices(trx));
}

/** By the id `register` gave, or, from a browser, by its subscription's endpoint. */
export async function unregisterDevice(
  db: Database,
  actor: Actor,
  input: { deviceId: string } | { endpoint: string },
): Promise<void> {
  const removed =
    'deviceId' in input
      ? await db.withUser(actor, (trx) => deleteOwnDevice(trx, input.deviceId))
      : await db.withService((trx) =>
          deleteDeviceByHash(trx, actor.userId, deviceTokenHash('web', input.endpoint)),
        );
  if (!removed) throw new AppError('NOT_FOUND', 'No such device is registered for you');
}
