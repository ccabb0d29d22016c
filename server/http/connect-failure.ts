// Whether an outgoing call failed before any connection existed. Only then is the request certain
// not to have reached the service, so only then is a retry safe for a call that must not repeat
// (a message to a customer, a push to a phone). A timeout or reset after connecting is ambiguous.

/** Node's and undici's codes for a connection that was never made. */
const CONNECT_FAILURE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function isConnectFailure(code: string | undefined): boolean {
  return code !== undefined && CONNECT_FAILURE_CODES.has(code);
}
