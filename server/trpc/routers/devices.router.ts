import { z } from 'zod';
import {
  DeviceSchema,
  listDevices,
  RegisterDeviceInput,
  registerDevice,
  UnregisterDeviceInput,
  unregisterDevice,
} from '../../push/index.ts';
import { operatorProcedure, router } from '../init.ts';

/** The caller's phones and browsers that receive push notifications. Tokens go in, never out. */
export const devicesRouter = router({
  /** Idempotent: call it at every app start; a token registered by someone else moves to the caller. */
  register: operatorProcedure
    .input(RegisterDeviceInput)
    .output(DeviceSchema)
    .mutation(({ ctx, input }) => registerDevice(ctx.services, ctx.actor, input)),
  /** Stops notifications to one of the caller's devices: by the id `register` gave, or a browser's endpoint. */
  unregister: operatorProcedure
    .input(UnregisterDeviceInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await unregisterDevice(ctx.db, ctx.actor, input);
      return { ok: true as const };
    }),
  /** The caller's registered devices, most recently seen first; never their tokens. */
  list: operatorProcedure.output(z.array(DeviceSchema)).query(({ ctx }) => listDevices(ctx.db, ctx.actor)),
});
