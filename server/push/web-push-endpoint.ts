// A browser's subscription names the URL the server will POST to. Only push services on the
// allow-list (PUSH_WEB_ENDPOINT_ORIGINS) are accepted, so a subscription cannot turn the server
// into a client of an address of the caller's choosing (an internal service, say).

/** Whether `endpoint` is on one of `origins` ("https://host[:port]", or "https://*.domain"). */
export function isAllowedPushEndpoint(endpoint: string, origins: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return origins.some((origin) => {
    const match = /^(https?):\/\/(\*\.)?([^/:]+)(?::(\d+))?$/i.exec(origin);
    if (!match) return false;
    const [, scheme, wildcard, host = '', port] = match;
    if (url.protocol !== `${scheme?.toLowerCase()}:`) return false;
    if ((url.port || '') !== (port ?? '')) return false;
    const hostname = url.hostname.toLowerCase();
    const allowed = host.toLowerCase();
    return wildcard ? hostname.endsWith(`.${allowed}`) : hostname === allowed;
  });
}
