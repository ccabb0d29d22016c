import { describe, expect, it } from 'vitest';
import { isAllowedPushEndpoint } from './web-push-endpoint.ts';

const origins = ['https://fcm.googleapis.com', 'https://*.notify.windows.com', 'http://127.0.0.1:4010'];

describe('isAllowedPushEndpoint', () => {
  it.each([
    ['https://fcm.googleapis.com/fcm/send/abc', true],
    ['https://wns2-by3p.notify.windows.com/w/?token=x', true],
    ['http://127.0.0.1:4010/webpush/abc', true],
    // Another scheme, port or host than the one allowed.
    ['http://fcm.googleapis.com/fcm/send/abc', false],
    ['https://fcm.googleapis.com:8443/fcm/send/abc', false],
    ['http://127.0.0.1:4011/webpush/abc', false],
    ['https://127.0.0.1:4010/webpush/abc', false],
    ['https://fcm.googleapis.com.evil.test/x', false],
    ['https://evilfcm.googleapis.com/x', false],
    // A wildcard is for subdomains, not the domain itself nor a look-alike.
    ['https://notify.windows.com/x', false],
    ['https://xnotify.windows.com/x', false],
    ['https://user:pw@fcm.googleapis.com/x', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s → %s', (endpoint, allowed) => {
    expect(isAllowedPushEndpoint(endpoint, origins)).toBe(allowed);
  });
});
