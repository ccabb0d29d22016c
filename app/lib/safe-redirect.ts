/** Only same-site paths, so a crafted link cannot send an operator elsewhere after sign-in. */
export function safeRedirect(target: FormDataEntryValue | string | null, fallback = '/'): string {
  if (
    typeof target !== 'string' ||
    !target.startsWith('/') ||
    target.startsWith('//') ||
    target.includes('\\')
  ) {
    return fallback;
  }
  return target;
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
