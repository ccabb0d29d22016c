// Ice breakers and the persistent menu as operators edit them, checked as Meta checks them
// (reference, "surfaces beyond DMs"): per locale, a `default` locale required, at most 4 ice
// breakers per locale; menu items are postbacks or https links. Limits Meta does not publish for
// Instagram are Messenger's: 80 characters a question, 30 a menu title, 20 items, 1000 a payload.
import { z } from 'zod';
import { WebUrlSchema } from '../meta/web-url.ts';

export const MAX_ICE_BREAKERS = 4;
export const MAX_MENU_ITEMS = 20;

const Locale = z.string().regex(/^(default|[a-z]{2}_[A-Z]{2})$/, 'a locale is "default" or like pt_BR');
const Payload = z.string().trim().min(1, 'a payload is required').max(1000);
const HttpsUrl = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      return new URL(value).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'links must be https URLs');

const IceBreakerSchema = z.object({
  question: z.string().trim().min(1, 'a question is required').max(80),
  payload: Payload,
});

const MenuItemSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('postback'), title: z.string().trim().min(1).max(30), payload: Payload }),
  z.object({ type: z.literal('web_url'), title: z.string().trim().min(1).max(30), url: HttpsUrl }),
]);

/** Each locale once, and a `default` one whenever any is given. */
function localized<T extends z.ZodType>(item: T, max: number) {
  return z
    .array(z.object({ locale: Locale, items: z.array(item).min(1).max(max) }))
    .max(50)
    .refine(
      (locales) => new Set(locales.map((l) => l.locale)).size === locales.length,
      'a locale is given twice',
    )
    .refine(
      (locales) => locales.length === 0 || locales.some((l) => l.locale === 'default'),
      'the default locale is required',
    );
}

export const MessengerProfileSchema = z.object({
  iceBreakers: localized(IceBreakerSchema, MAX_ICE_BREAKERS),
  persistentMenu: localized(MenuItemSchema, MAX_MENU_ITEMS),
});

export const AccountInput = z.object({ accountId: z.uuid() });

/** A profile as Meta holds it: shown as it is, even where it breaks our editor's rules. */
export const StoredProfileSchema = z.object({
  iceBreakers: z.array(
    z.object({ locale: z.string(), items: z.array(z.object({ question: z.string(), payload: z.string() })) }),
  ),
  persistentMenu: z.array(
    z.object({
      locale: z.string(),
      items: z.array(
        z.discriminatedUnion('type', [
          z.object({ type: z.literal('postback'), title: z.string(), payload: z.string() }),
          z.object({ type: z.literal('web_url'), title: z.string(), url: WebUrlSchema }),
        ]),
      ),
    }),
  ),
});

/** What Meta holds for the account, or why it could not be read. */
export const HeldProfileSchema = z.object({
  profile: StoredProfileSchema.nullable(),
  error: z.string().nullable(),
});
