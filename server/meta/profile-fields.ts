// The business profile's display fields as Meta returns them (`name`, `profile_picture_url`).
// They are decoration: a value in an unexpected form is dropped, never a failed connection.
import { z } from 'zod';

/** Instagram caps names at 30 characters; a longer or empty one is not a name we show. */
export const ProfileName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .nullish()
  .catch(null)
  .transform((name) => name ?? null);

/** Only http(s) links reach the browser. */
export const ProfilePictureUrl = z
  .url({ protocol: /^https?$/ })
  .nullish()
  .catch(null)
  .transform((url) => url ?? null);
