// Where a browser lands is what its URL parser makes of the target, not what the string looks
// like: it drops tabs and newlines, reads a backslash as a slash, and more. So the target is
// resolved the way a browser resolves it, against a stand-in origin, and kept only if it stays on
// that origin; what is returned is the parsed path, the form a browser would follow.
const HERE = 'http://inbox.invalid';
/** Control characters and backslashes have no place in a path the app links to. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const UNLINKABLE = /[\u0000-\u001f\u007f\\]/;

/** Only same-site paths, so a crafted link cannot send an operator elsewhere after sign-in. */
export function safeRedirect(target: FormDataEntryValue | string | null, fallback = '/'): string {
  if (typeof target !== 'string' || !target.startsWith('/') || UNLINKABLE.test(target)) return fallback;
  let url: URL;
  try {
    url = new URL(target, HERE);
  } catch {
    return fallback;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can leave a parsed path starting with '//' ('/.//evil.example'): followed as a
  // redirect, that is another site.
  if (url.origin !== HERE || path.startsWith('//')) return fallback;
  return path;
}

/** A link to `path` (sign-in ↔ sign-up) that keeps where the visitor was headed. */
export function keepingRedirect(path: string, redirectTo: string | null): string {
  const target = safeRedirect(redirectTo, '');
  return target && target !== '/' ? `${path}?redirectTo=${encodeURIComponent(target)}` : path;
}

/** Whether the visitor is on their way to accept an invitation (the auth pages say so). */
export function isInvitationRedirect(redirectTo: string | null): boolean {
  return safeRedirect(redirectTo, '').startsWith('/invite/');
}
