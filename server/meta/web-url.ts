// Links that come from outside (Meta's payloads, a customer's profile, an ad) and end up as an
// href or src in someone's app: only http(s) may. A `javascript:` link would run in the operator's
// session when clicked; `data:` and others have no business there either. Parsed as a browser
// parses it, so what is checked is what the browser would follow.
import { z } from 'zod';

export function webUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:' ? value : null;
  } catch {
    return null;
  }
}

/**
 * An outside link in an API answer: a link stored before this rule (or written around it) goes
 * out as null, so browser and mobile clients alike only ever get one they may follow. (The pipe
 * says what comes out, for the API's JSON Schema: a transform alone cannot be described.)
 */
export const WebUrlSchema = z.string().nullable().transform(webUrl).pipe(z.string().nullable());
