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
